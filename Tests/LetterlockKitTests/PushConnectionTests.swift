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

    @Test func pushReconnectsWhenTheRelayComesBack() async throws {
        let data = LiveRelay.temporaryDirectory("relay-restart")
        defer { try? FileManager.default.removeItem(at: data) }
        let homes = (LiveRelay.temporaryDirectory("a"), LiveRelay.temporaryDirectory("b"))
        let port = Mutex(0)
        try await LiveRelay.run(data: data) { url, _ in
            port.withLock { $0 = Int(url.split(separator: ":").last ?? "") ?? 0 }
            _ = try await LetterlockClient.register(home: homes.0, relayURL: url, username: "alice")
            _ = try await LetterlockClient.register(home: homes.1, relayURL: url, username: "bob")
        }
        // Alice listens while the relay is down; it comes back on the same port and data.
        let alice = try LetterlockClient.open(home: homes.0)
        let bob = try LetterlockClient.open(home: homes.1)
        let readyCount = Mutex(0)
        let changes = Mutex(0)
        var configuration = PushConnection.Configuration()
        configuration.initialBackoff = .milliseconds(20)
        configuration.maximumBackoff = .milliseconds(100)
        let listener = Task {
            try await alice.listen(
                configuration: configuration, onEvent: { if $0 == .ready { readyCount.withLock { $0 += 1 } } },
                onChange: { _ in changes.withLock { $0 += 1 } })
        }
        defer { listener.cancel() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(readyCount.withLock { $0 } == 0)
        try await LiveRelay.run(data: data, port: port.withLock { $0 }) { _, _ in
            try await waitUntil { readyCount.withLock { $0 } >= 1 }
            try await bob.addContact(username: "alice")
            try await waitUntil { changes.withLock { $0 } >= 1 }
            #expect(try alice.store.pendingRequests().map(\.senderAccount) == [bob.identity.accountID])
            listener.cancel()
            _ = await listener.result
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

@Suite struct DeduplicationTests {
    /// At-least-once delivery: the same entry handled twice changes nothing the second time.
    @Test func anEntryHandledTwiceIsHandledOnce() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            try await bob.client.addContact(username: "alice")
            try await carol.client.addContact(invite: try alice.client.inviteLink())
            let request = try #require(try await alice.client.relay.mailbox(.requests).first)
            let introduction = try #require(try await alice.client.relay.mailbox(.inbox).first)
            #expect(try await alice.client.handle(request) == .keep)
            #expect(try await alice.client.handle(request) == .keep)
            #expect(try alice.client.store.pendingRequests().count == 1)
            #expect(try await alice.client.handle(introduction) == .acknowledge)
            #expect(try await alice.client.handle(introduction) == .acknowledge)
            // The introduction's reply card went to Carol once, not twice.
            #expect(try await carol.client.relay.mailbox(.inbox).count == 1)
        }
    }
}
