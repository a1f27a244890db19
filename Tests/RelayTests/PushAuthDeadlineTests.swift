import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import Relay
import RelayAPI
import RelayStorage
import Synchronization
import Testing

/// ``Relay/Configuration/webSocketAuthTimeout``: a WebSocket that does not authenticate in time
/// is closed; one that did is left open past the deadline.
@Suite struct PushAuthDeadlineTests {
    static func harness() -> RelayHarness {
        var configuration = Relay.Configuration()
        configuration.webSocketAuthTimeout = .milliseconds(300)
        return RelayHarness(configuration: configuration)
    }

    @Test func aSilentConnectionIsClosedAtTheDeadline() async throws {
        let harness = Self.harness()
        try await WebSocketPushTests.liveApplication(harness).test(.live) { client in
            let started = ContinuousClock.now
            let received = ReceivedFrames()
            try await client.ws("/v1/websocket") { inbound, _, _ in
                // Reads until the relay closes the socket; never answers the challenge.
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message, let frame = try? JSONDecoder().decode(PushFrame.self, from: Data(text.utf8)) {
                        received.append(frame)
                    }
                }
            }
            #expect(received.all.map(\.type) == ["challenge"])
            #expect(ContinuousClock.now - started < .seconds(20), "closed by the deadline, not by a test timeout")
        }
    }

    @Test func anAuthenticatedSessionOutlivesTheDeadline() async throws {
        let harness = Self.harness()
        try await WebSocketPushTests.liveApplication(harness).test(.live) { client in
            let http = RelayTestClient(client: client, clock: harness.clock)
            let bob = try await http.register()
            let token = try await http.rotateToken(bob)
            try await WebSocketPushTests.connect(client, as: bob) { outbound, received in
                try await received.wait("ready") { $0.contains { $0.type == "ready" } }
                try await Task.sleep(for: .milliseconds(900))
                _ = try await http.sealed(MLSMessageBuilder.welcome("late"), to: [(bob, token)])
                try await received.wait("the entry sent after the deadline") { $0.compactMap(\.entry).count == 1 }
                try await WebSocketPushTests.write(PushFrame(type: "ack", ids: received.entries.map(\.id)), on: outbound)
            }
        }
    }
}
