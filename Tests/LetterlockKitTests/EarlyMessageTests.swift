import Foundation
import LetterlockKit
import RelayAPI
import Testing

/// Messages that overtook their group's Welcome (docs/client.md, "Messages before their
/// Welcome"): kept on the device and acknowledged at the relay, so they hold no push slot, and
/// read once the Welcome is joined.
@Suite struct EarlyMessageTests {
    /// Alice adds Carol but stops after the merge, before the Welcome goes out; Bob processes
    /// the Commit and writes `texts` to the group at once, so Carol's mailbox holds them before
    /// her Welcome. Returns the group and Alice's home.
    static func overtakenWelcome(
        _ alice: Person, _ bob: Person, _ carol: Person, texts: [String]
    ) async throws -> String {
        try await alice.befriend(bob)
        try await alice.befriend(carol)
        try await bob.befriend(carol)  // so Bob can reach Carol before Alice's `info`
        let group = try await alice.client.createGroup(named: "early", members: ["bob"])
        _ = try await bob.client.receive()
        try await ConversationRecoveryTests.crashing(at: .merged) { try await alice.client.addMembers(["carol"], to: group.id) }
        _ = try await bob.client.receive()
        for text in texts { try await bob.client.sendText(text, to: group.id) }
        return group.id
    }

    @Test func aMessageBeforeItsWelcomeIsKeptOnTheDeviceAndReadAfterTheJoin() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            let group = try await Self.overtakenWelcome(alice, bob, carol, texts: ["first", "second"])

            let before = try await carol.client.receive()
            #expect(before.joined.isEmpty)
            #expect(before.early == 2 && before.deferred == 0)
            #expect(try await carol.client.relay.mailbox(.inbox).isEmpty, "acknowledged: nothing waits at the relay or holds a push slot")
            #expect(try carol.client.store.earlyMessageCount() == 2)

            // Kept durably: a restarted Carol still has them when the Welcome finally comes.
            let restartedCarol = try LetterlockClient.open(home: carol.home)
            let restartedAlice = try LetterlockClient.open(home: alice.home)
            _ = try await restartedAlice.receive()  // sends the Welcome and `info`
            let after = try await restartedCarol.receive()
            #expect(after.joined == [group])
            #expect(after.messages.map(\.text) == ["first", "second"])
            #expect(try restartedCarol.store.earlyMessageCount() == 0)
            #expect(try restartedCarol.texts(group) == ["first", "second"])
            try await restartedCarol.sendText("thanks", to: group)
            #expect(try await bob.client.receive().messages.map(\.text) == ["thanks"])
        }
    }

    /// Past the bound a message stays at the relay, as before (nothing is dropped for lack of
    /// room), and both arrive in order after the Welcome.
    @Test func pastTheBoundAMessageWaitsAtTheRelay() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            let group = try await Self.overtakenWelcome(alice, bob, carol, texts: ["first", "second", "third"])

            var settings = ConversationConfiguration.current
            settings.earlyMessagesPerGroup = 2
            try await ConversationConfiguration.$current.withValue(settings) {
                let before = try await carol.client.receive()
                #expect(before.early == 2 && before.deferred == 1)
                #expect(try await carol.client.relay.mailbox(.inbox).count == 1)
                _ = try await LetterlockClient.open(home: alice.home).receive()
                let after = try await carol.client.receive()
                #expect(after.joined == [group])
                #expect(after.messages.map(\.text) == ["first", "second", "third"])
                #expect(try carol.client.store.earlyMessageCount() == 0)
                #expect(try await carol.client.relay.mailbox(.inbox).isEmpty)
            }
        }
    }

    /// A kept message whose Welcome does not come within the lifetime is forgotten.
    @Test func aKeptMessageExpires() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            _ = try await Self.overtakenWelcome(alice, bob, carol, texts: ["lost in time"])
            #expect(try await carol.client.receive().early == 1)
            try await Task.sleep(for: .milliseconds(1_100))
            var settings = ConversationConfiguration.current
            settings.earlyMessageLifetime = 0
            try await ConversationConfiguration.$current.withValue(settings) {
                let report = try await carol.client.receive()
                #expect(report.dropped == 1)
            }
            #expect(try carol.client.store.earlyMessageCount() == 0)
        }
    }
}
