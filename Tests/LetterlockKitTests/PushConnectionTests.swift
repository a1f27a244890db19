import Foundation
import LetterlockKit
import RelayAPI
import Synchronization
import Testing

@Suite struct PushConnectionTests {
    @Test func pushDeliversRequestsLiveAndAcknowledgesThem() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            let events = Mutex<[LetterlockClient.SyncReport]>([])
            let ready = Mutex(false)
            let listener = Task {
                try await alice.client.listen(
                    onEvent: { if $0 == .ready { ready.withLock { $0 = true } } },
                    onChange: { report in events.withLock { $0.append(report) } })
            }
            defer { listener.cancel() }
            try await waitUntil { ready.withLock { $0 } }
            try await bob.client.addContact(username: "alice")
            try await carol.client.addContact(invite: try alice.client.inviteLink())
            try await waitUntil { events.withLock { $0.count } >= 2 }
            #expect(try alice.client.store.pendingRequests().map(\.senderAccount) == [bob.client.identity.accountID])
            #expect(try alice.client.store.contact(carol.client.identity.accountID)?.state == .accepted)
            // The introduction was acknowledged (deleted at the relay); the request waits for an answer.
            try await waitUntil { try await alice.client.relay.mailbox(.inbox).isEmpty }
            #expect(try await alice.client.relay.mailbox(.requests).count == 1)
        }
    }

    @Test func pushKeepsRetryingWithBackoffWhileTheRelayIsDown() async throws {
        // A port with nothing listening: the connection keeps retrying with backoff, then
        // cancellation ends it promptly.
        let home = LiveRelay.temporaryDirectory("home")
        try await LiveRelay.run { url, _ in
            _ = try await LetterlockClient.register(home: home, relayURL: url, username: "alice")
        }
        let client = try LetterlockClient.open(home: home, relayURL: "http://127.0.0.1:1")
        let attempts = Mutex(0)
        var configuration = PushConnection.Configuration()
        configuration.initialBackoff = .milliseconds(10)
        configuration.maximumBackoff = .milliseconds(40)
        let task = Task {
            try await client.listen(configuration: configuration, onEvent: { if $0 == .connecting { attempts.withLock { $0 += 1 } } })
        }
        try await waitUntil { attempts.withLock { $0 } >= 3 }
        task.cancel()
        _ = await task.result
    }
}

func waitUntil(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
