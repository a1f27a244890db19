import Foundation
import HummingbirdTesting
@testable import Relay
import RelayAPI
import RelayStorage
import Testing

/// Session 4 review M3: one device holds a bounded number of push sessions; a new one ends the
/// oldest, so the notifier's work per entry stays bounded and reconnecting always works.
@Suite struct PushSessionCapTests {
    @Test func aNewSessionBeyondTheCapEndsTheOldest() async {
        let notifier = MailboxNotifier()
        var generator = SystemRandomNumberGenerator()
        let bob = DeviceID.random(using: &generator)
        let carol = DeviceID.random(using: &generator)
        let sessions = (0..<6).map { _ in notifier.subscribe(bob) }
        let other = notifier.subscribe(carol)
        #expect(notifier.connectionCount == 5, "four of Bob's, one of Carol's")
        // The two oldest of Bob's ended: their wake-up streams finish.
        for ended in sessions.prefix(2) {
            var wakeUps = ended.wakeUps.makeAsyncIterator()
            #expect(await wakeUps.next() == nil)
        }
        let entry = MailboxEntry(
            id: MailboxEntryID(1), deviceID: bob, queue: .inbox, payload: Data(count: 8), sender: nil,
            receivedAt: Date(timeIntervalSince1970: 0), expiresAt: Date(timeIntervalSince1970: 60))
        notifier.hand([entry])
        #expect(sessions.map { notifier.take(bob, token: $0.token).entries.count } == [0, 0, 1, 1, 1, 1])
        notifier.unsubscribe(bob, token: sessions[0].token)  // ending an ended one changes nothing
        #expect(notifier.connectionCount == 5)
        notifier.unsubscribe(carol, token: other.token)
    }

    /// Opens `count` more sessions of `device`, one inside the other, then runs `body` with the
    /// frames of the newest.
    static func nest(
        _ client: any TestClientProtocol, _ device: TestDevice, _ count: Int, _ body: @escaping @Sendable (ReceivedFrames) async throws -> Void
    ) async throws {
        try await WebSocketPushTests.connect(client, as: device) { _, received in
            try await received.wait("ready") { $0.contains { $0.type == "ready" } }
            if count <= 1 { try await body(received) } else { try await nest(client, device, count - 1, body) }
        }
    }

    /// Through the route: a device's fifth session ends its first, which gets nothing more.
    @Test func aFifthSessionOfADeviceEndsItsFirst() async throws {
        let harness = RelayHarness()
        try await WebSocketPushTests.liveApplication(harness).test(.live) { client in
            let http = RelayTestClient(client: client, clock: harness.clock)
            let bob = try await http.register()
            let token = try await http.rotateToken(bob)
            try await WebSocketPushTests.connect(client, as: bob) { _, first in
                try await first.wait("ready") { $0.contains { $0.type == "ready" } }
                try await Self.nest(client, bob, 4) { newest in
                    _ = try await http.sealed(MLSMessageBuilder.welcome("after"), to: [(bob, token)])
                    try await newest.wait("the entry on the newest session") { $0.compactMap(\.entry).count == 1 }
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(first.entries.isEmpty, "the oldest session was ended before the entry came")
                }
            }
        }
    }
}
