import Foundation
import LetterlockKit
import RelayAPI
import Testing

/// Commits across crashes: a fault is injected at each step of a Commit (the client stops
/// there as a crash would: what was saved stays saved), then a fresh client opens the same
/// home and must finish or abandon the Commit so that every member agrees again.
@Suite struct ConversationRecoveryTests {
    struct Crash: Error {}

    /// Runs `body` with the client stopping at `step`; `body` must be stopped there.
    static func crashing(at step: CommitStep, _ body: @Sendable () async throws -> Void) async throws {
        var settings = ConversationConfiguration.current
        settings.interruption = { if $0 == step { throw Crash() } }
        try await ConversationConfiguration.$current.withValue(settings) {
            await #expect(throws: Crash.self) { try await body() }
        }
    }

    @Test(arguments: [CommitStep.pendingCommitSaved, .commitSent, .merged])
    func anAddInterruptedByACrashIsFinishedAfterTheRestart(step: CommitStep) async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let group = try await alice.createGroup(named: "crash test", with: [bob])
            let before = try alice.client.conversation(group.id).epoch

            try await Self.crashing(at: step) { try await alice.client.addMembers(["carol"], to: group.id) }
            // The process restarts: a new client on the same home.
            let restarted = try LetterlockClient.open(home: alice.home)
            _ = try await restarted.receive()
            #expect(try restarted.conversation(group.id).epoch == before + 1)
            #expect(try restarted.store.pendingWelcomeCount(group.id) == 0)

            let atCarol = try await carol.client.receive()
            #expect(atCarol.joined == [group.id])
            #expect(try carol.client.conversation(group.id).name == "crash test", "the info message was sent too")
            _ = try await bob.client.receive()
            let everyone = Set([alice.account, bob.account, carol.account])
            for device in [restarted, bob.client, carol.client] {
                #expect(Set(try device.conversation(group.id).members) == everyone)
                #expect(try device.conversation(group.id).epoch == before + 1)
            }
            try await carol.client.sendText("made it", to: group.id)
            #expect(try await restarted.receive().messages.map(\.text) == ["made it"])
            #expect(try await bob.client.receive().messages.map(\.text) == ["made it"])
            try await restarted.sendText("welcome", to: group.id)
            #expect(try await carol.client.receive().messages.map(\.text) == ["welcome"])
        }
    }

    /// The Commit saved before the crash lost its epoch to another member's Commit. After the
    /// restart the device learns it either from the winning Commit in its mailbox (`receive`)
    /// or from the relay's conflict answer when it sends the saved Commit again (`send` first).
    @Test(arguments: [true, false])
    func aCommitSavedBeforeTheCrashThatLostItsEpochIsDropped(receiveFirst: Bool) async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            let chat = try await alice.client.startConversation(with: "bob")
            _ = try await bob.client.receive()
            let before = try bob.client.conversation(chat.id).epoch

            try await Self.crashing(at: .pendingCommitSaved) { try await alice.client.selfUpdate(chat.id) }
            try await bob.client.selfUpdate(chat.id)  // wins the epoch
            let restarted = try LetterlockClient.open(home: alice.home)
            if receiveFirst { _ = try await restarted.receive() }
            try await restarted.sendText("after the crash", to: chat.id)
            #expect(try await bob.client.receive().messages.map(\.text) == ["after the crash"])
            #expect(try restarted.conversation(chat.id).epoch == (try bob.client.conversation(chat.id).epoch))
            #expect(try restarted.conversation(chat.id).epoch >= before + 1)
            try await bob.client.sendText("and back", to: chat.id)
            #expect(try await restarted.receive().messages.map(\.text) == ["and back"])
        }
    }

    /// Without a crash, a relay that cannot be reached leaves the Commit pending (saved); the
    /// next receive sends it and the group moves on.
    @Test func aCommitWhoseSendFailedIsSentByTheNextReceive() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            let chat = try await alice.client.startConversation(with: "bob")
            _ = try await bob.client.receive()
            let before = try alice.client.conversation(chat.id).epoch
            // The relay "drops" the connection after the state was saved: same as a crash there.
            try await Self.crashing(at: .pendingCommitSaved) { try await alice.client.selfUpdate(chat.id) }
            #expect(try alice.client.conversation(chat.id).epoch == before)
            _ = try await alice.client.receive()
            #expect(try alice.client.conversation(chat.id).epoch == before + 1)
            #expect(try await bob.client.receive().commits == 1)
            #expect(try bob.client.conversation(chat.id).epoch == before + 1)
        }
    }

    /// The relay took Alice's first message to Bob, a stranger (a message request carrying the
    /// Welcome), but Alice stopped before recording the send. After the restart she still has
    /// the conversation, sends the very same request again instead of a second one, and the
    /// chat works once Bob accepts: Bob joins one conversation, the one Alice has.
    @Test func aFirstMessageTakenByTheRelayBeforeACrashIsNeitherLostNorDoubled() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await Self.crashing(at: .requestSent) { _ = try await alice.client.sendText("hello stranger", toName: "bob") }

            let restarted = try LetterlockClient.open(home: alice.home)
            let chat = try #require(try restarted.conversations().first, "the conversation survived the crash")
            #expect(try restarted.conversations().count == 1)
            #expect(try restarted.texts(chat.id) == ["hello stranger"])
            _ = try await restarted.receive()  // sends the recorded request again
            #expect(try restarted.store.unsentRequestCount() == 0)
            let next = try await restarted.sendText("are you there?", toName: "bob")
            #expect(next.conversation.id == chat.id && next.delivery == .queued)

            let requests = try await bob.client.requests()
            #expect(Set(requests.flatMap(\.firstMessages)) == ["hello stranger"])
            try await bob.client.accept("alice")
            #expect(try bob.client.conversations().map(\.id) == [chat.id])
            _ = try await restarted.receive()  // takes the accept, sends what was queued
            #expect(try await bob.client.receive().messages.map(\.text) == ["are you there?"])
            #expect(try bob.client.texts(chat.id) == ["hello stranger", "are you there?"])
            try await bob.client.sendText("yes", to: chat.id)
            #expect(try await restarted.receive().messages.map(\.text) == ["yes"])
        }
    }

    /// Carol rotates her delivery token. Bob, in a group with her but not her contact, holds
    /// the old one (from Alice's `info`): his Commit is refused and stays pending, with a clear
    /// error. Carol's rotation sends her new token to her groups, so Bob's next `receive()`
    /// learns it and sends the pending Commit; everyone ends in the same epoch and talks.
    @Test func aCommitToAMemberWhoseTokenWentStaleGoesOutOnceTheNewTokenArrives() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let group = try await alice.createGroup(named: "rotating", with: [bob, carol])
            let before = try bob.client.conversation(group.id).epoch

            try await carol.client.rotateDeliveryToken()
            await #expect(throws: ConversationError.staleDeliveryToken) { try await bob.client.selfUpdate(group.id) }
            #expect(try bob.client.conversation(group.id).epoch == before, "still pending")

            _ = try await bob.client.receive()  // Carol's new token arrives; the Commit goes out
            #expect(try bob.client.conversation(group.id).epoch == before + 1)
            for person in [alice, carol] {
                _ = try await person.client.receive()
                #expect(try person.client.conversation(group.id).epoch == before + 1)
            }
            try await bob.client.sendText("after the rotation", to: group.id)
            for person in [alice, carol] {
                #expect(try await person.client.receive().messages.map(\.text) == ["after the rotation"])
            }
            try await carol.client.sendText("new token, same me", to: group.id)
            #expect(try await bob.client.receive().messages.map(\.text) == ["new token, same me"])
        }
    }
}
