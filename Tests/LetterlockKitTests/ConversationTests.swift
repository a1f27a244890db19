import Foundation
import LetterlockKit
import RelayAPI
import Testing

/// Conversations over MLS end to end, against a real relay in this process.
@Suite struct ConversationTests {
    @Test func twoPeopleChatBothWays() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)

            let chat = try await alice.client.startConversation(with: "bob")
            #expect(chat.kind == .direct && chat.peerAccount == bob.account)
            #expect(Set(chat.members) == [alice.account, bob.account])
            try await alice.client.sendText("hello bob", to: chat.id)

            let received = try await bob.client.receive()
            #expect(received.joined == [chat.id])
            #expect(received.messages.map(\.text) == ["hello bob"])
            #expect(received.messages.first?.senderAccount == alice.account)
            let atBob = try bob.client.conversation(chat.id)
            #expect(atBob.kind == .direct && atBob.peerAccount == alice.account)
            #expect(try bob.client.directConversation(with: alice.account)?.id == chat.id)

            try await bob.client.sendText("hi alice", to: chat.id)
            try await bob.client.sendText("second", to: chat.id)
            #expect(try await alice.client.receive().messages.map(\.text) == ["hi alice", "second"])
            #expect(try alice.client.texts(chat.id) == ["hello bob", "hi alice", "second"])
            #expect(try bob.client.texts(chat.id) == ["hello bob", "hi alice", "second"])
            // Receiving again finds nothing new (everything was acknowledged once applied).
            #expect(try await alice.client.receive().messages.isEmpty)
            #expect(try await alice.client.relay.mailbox(.inbox).isEmpty)
            // A second start finds the same chat.
            #expect(try await alice.client.startConversation(with: "bob").id == chat.id)
        }
    }

    @Test func aStrangerCannotBeChattedWithAndABlockedRequestIsNeverDelivered() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let mallory = try await Person.register("mallory", relay: url)
            await #expect(throws: ConversationError.notAContact) { try await mallory.client.startConversation(with: "alice") }
            try await mallory.client.addContact(username: "alice")
            await #expect(throws: ConversationError.contactNotAccepted) { try await mallory.client.startConversation(with: "alice") }
            #expect(try await alice.client.requests().count == 1)
            try await alice.client.blockRequest("mallory")
            try await mallory.client.addContact(username: "alice")  // answered like a delivered request
            #expect(try await alice.client.requests().isEmpty)
            #expect(try await alice.client.relay.mailbox(.requests).isEmpty)
            await #expect(throws: LetterlockError.blocked) { try await alice.client.startConversation(with: "mallory") }
        }
    }

    @Test func threePeopleInANamedGroupWithTwoDevicesEach() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let alicePhone = try await DeviceAndVerificationTests.link(alice, relay: url)
            let bobPhone = try await DeviceAndVerificationTests.link(bob, relay: url)
            let carolPhone = try await DeviceAndVerificationTests.link(carol, relay: url)
            for device in [alicePhone, bobPhone, carolPhone] { _ = try await device.receive() }  // publishes KeyPackages

            let group = try await alice.client.createGroup(named: "weekend plans", members: ["bob", "carol"])
            #expect(group.kind == .group && group.name == "weekend plans")
            #expect(Set(group.members) == [alice.account, bob.account, carol.account])
            try await alice.client.sendText("who is in?", to: group.id)

            let others = [alicePhone, bob.client, bobPhone, carol.client, carolPhone]
            for device in others {
                let report = try await device.receive()
                #expect(report.joined == [group.id])
                #expect(report.messages.map(\.text) == ["who is in?"])
                #expect(try device.conversation(group.id).name == "weekend plans")
                #expect(Set(try device.conversation(group.id).members) == [alice.account, bob.account, carol.account])
            }
            // Carol (not Bob's contact) reaches Bob's devices with the token from the group's info.
            #expect(try bob.client.store.contact(carol.account) == nil)
            try await carolPhone.sendText("me, from my phone", to: group.id)
            try await bob.client.rename(group.id, to: "weekend plans (final)")
            for device in [alice.client, alicePhone, bobPhone, carol.client] {
                _ = try await device.receive()
                #expect(try device.texts(group.id) == ["who is in?", "me, from my phone"])
                #expect(try device.conversation(group.id).name == "weekend plans (final)")
            }
            _ = try await carolPhone.receive()
            _ = try await bob.client.receive()

            // Alice removes Carol (both devices); Carol's devices see they are out.
            try await alice.client.removeMember("carol", from: group.id)
            for device in [carol.client, carolPhone] {
                _ = try await device.receive()
                #expect(try device.conversation(group.id).active == false)
            }
            // Bob's phone has not seen the removal: its message is of the old epoch, which the
            // others have left, so they cannot read it yet. When the phone catches up it
            // re-sends the message in the new epoch, and everyone has it exactly once.
            try await bobPhone.sendText("just us now", to: group.id)
            for device in [alice.client, alicePhone, bob.client] {
                #expect(try await device.receive().messages.isEmpty)
            }
            _ = try await bobPhone.receive()
            for device in [alice.client, alicePhone, bob.client] {
                #expect(try await device.receive().messages.map(\.text) == ["just us now"])
                #expect(try device.texts(group.id).last == "just us now")
                #expect(Set(try device.conversation(group.id).members) == [alice.account, bob.account])
            }
            #expect(try carol.client.texts(group.id).last == "me, from my phone")

            // Bob leaves: his proposals are committed by Alice's next receive.
            try await bob.client.leave(group.id)
            _ = try await alice.client.receive()
            _ = try await alicePhone.receive()
            _ = try await bobPhone.receive()
            #expect(try bobPhone.conversation(group.id).active == false)
            #expect(try alice.client.conversation(group.id).members == [alice.account])
        }
    }

    @Test func offlineCatchUpGetsEverythingInOrder() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            let chat = try await alice.client.startConversation(with: "bob")
            let sent = (1...12).map { "message \($0)" }
            for text in sent { try await alice.client.sendText(text, to: chat.id) }
            try await alice.client.selfUpdate(chat.id)
            try await alice.client.sendText("after a self-update", to: chat.id)
            // Bob was offline the whole time: one receive catches up, in order.
            let report = try await bob.client.receive()
            #expect(report.messages.map(\.text) == sent + ["after a self-update"])
            #expect(try bob.client.conversation(chat.id).epoch == (try alice.client.conversation(chat.id).epoch))
            // Reopening Bob's state from disk keeps the group working (state persisted).
            let reopened = try LetterlockClient.open(home: bob.home)
            try await reopened.sendText("back", to: chat.id)
            #expect(try await alice.client.receive().messages.map(\.text) == ["back"])
        }
    }

    @Test func selfUpdatesHappenAfterTheConfiguredNumberOfMessages() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            var settings = ConversationConfiguration()
            settings.selfUpdateAfterMessages = 3
            try await ConversationConfiguration.$current.withValue(settings) {
                let chat = try await alice.client.startConversation(with: "bob")
                let start = try alice.client.conversation(chat.id).epoch
                for n in 1...7 { try await alice.client.sendText("n\(n)", to: chat.id) }
                // The info message counts too: 8 messages sent, a self-update before the 4th and the 7th.
                #expect(try alice.client.conversation(chat.id).epoch == start + 2)
                let report = try await bob.client.receive()
                #expect(report.messages.map(\.text) == (1...7).map { "n\($0)" })
                #expect(report.commits == 2)
            }
        }
    }

    @Test func aCommitConflictIsResolvedWithoutLosingAMessage() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let group = try await alice.createGroup(named: "race", with: [bob, carol])
            let epoch = try bob.client.conversation(group.id).epoch

            // Alice commits first; Bob has not seen it, sends a message in the old epoch (after
            // Alice's Commit reached the relay) and then commits for the same epoch himself.
            try await alice.client.selfUpdate(group.id)
            try await bob.client.sendText("sent in the old epoch", to: group.id)
            try await bob.client.selfUpdate(group.id)  // conflict: rebased on Alice's Commit, retried
            #expect(try bob.client.conversation(group.id).epoch == epoch + 2)
            try await bob.client.sendText("sent after the rebase", to: group.id)

            for person in [alice, carol] {
                let report = try await person.client.receive()
                #expect(report.messages.compactMap(\.text).sorted() == ["sent after the rebase", "sent in the old epoch"])
                #expect(report.commits >= 1)
                #expect(try person.client.conversation(group.id).epoch == epoch + 2)
            }
            // Each message once in every history, though the first one was re-sent.
            #expect(try carol.client.texts(group.id).filter { $0 == "sent in the old epoch" }.count == 1)
            // Everyone can still talk.
            try await carol.client.sendText("all good", to: group.id)
            #expect(try await alice.client.receive().messages.map(\.text) == ["all good"])
            #expect(try await bob.client.receive().messages.map(\.text) == ["all good"])
        }
    }

    @Test func twoMembersAddingAtOnceBothEndUpInTheGroup() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let dave = try await Person.register("dave", relay: url)
            try await bob.befriend(dave)
            let group = try await alice.createGroup(named: "growing", with: [bob])
            // Both add someone at the same epoch; one of the Commits loses and is rebuilt.
            async let byAlice: Void = alice.client.addMembers(["carol"], to: group.id)
            async let byBob: Void = bob.client.addMembers(["dave"], to: group.id)
            _ = try await (byAlice, byBob)
            for person in [alice, bob, carol, dave] { _ = try await person.client.receive() }
            for person in [alice, bob, carol, dave] {
                #expect(Set(try person.client.conversation(group.id).members) == [alice.account, bob.account, carol.account, dave.account])
            }
            try await dave.client.sendText("hello from dave", to: group.id)
            for person in [alice, bob, carol] {
                #expect(try await person.client.receive().messages.map(\.text) == ["hello from dave"])
            }
        }
    }

    /// The race behind a failed run of the test above ("a member's delivery token is unknown"):
    /// Bob's Commit adding Dave wins the epoch, but its `info` (with Dave's token, which Alice
    /// does not hold) is sent only after Bob saw the Commit accepted. Alice's Commit, rebuilt on
    /// Bob's epoch in that window, must wait for the `info` instead of failing. Here Bob stops
    /// after the merge and comes back only once Alice is waiting.
    @Test func aCommitRebuiltOnAnotherMembersAddWaitsForTheNewMembersToken() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let dave = try await Person.register("dave", relay: url)
            try await bob.befriend(dave)
            let group = try await alice.createGroup(named: "growing", with: [bob])
            try await ConversationRecoveryTests.crashing(at: .merged) { try await bob.client.addMembers(["dave"], to: group.id) }

            let (waiting, signal) = AsyncStream.makeStream(of: Void.self)
            var settings = ConversationConfiguration.current
            settings.memberTokenWaits = 10
            settings.interruption = { if $0 == .awaitingMemberToken { signal.yield() } }
            let byAlice = Task {
                defer { signal.finish() }  // so that the wait below ends if Alice never waits
                try await ConversationConfiguration.$current.withValue(settings) {
                    try await alice.client.addMembers(["carol"], to: group.id)
                }
            }
            // Alice lost the epoch, processed Bob's Commit and lacks Dave's token: Bob comes back.
            var iterator = waiting.makeAsyncIterator()
            let aliceWaited = await iterator.next() != nil
            #expect(aliceWaited)
            let restartedBob = try LetterlockClient.open(home: bob.home)
            _ = try await restartedBob.receive()
            try await byAlice.value

            for device in [alice.client, restartedBob, carol.client, dave.client] { _ = try await device.receive() }
            for device in [alice.client, restartedBob, carol.client, dave.client] {
                #expect(Set(try device.conversation(group.id).members) == [alice.account, bob.account, carol.account, dave.account])
            }
            try await carol.client.sendText("hello from carol", to: group.id)
            for device in [alice.client, restartedBob, dave.client] {
                #expect(try await device.receive().messages.map(\.text) == ["hello from carol"])
            }
        }
    }

    @Test func aFileSharedInAConversation() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            let chat = try await alice.client.startConversation(with: "bob")
            let directory = LiveRelay.temporaryDirectory("files")
            defer { try? FileManager.default.removeItem(at: directory) }
            let source = directory.appendingPathComponent("notes.bin")
            var generator = SystemRandomNumberGenerator()
            let content = Data((0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try content.write(to: source)
            let sent = try await alice.client.sendFile(source, to: chat.id)
            #expect(sent.kind == .file && sent.fileName == "notes.bin" && sent.fileSize == 300_000)

            let report = try await bob.client.receive()
            let message = try #require(report.messages.first)
            #expect(message.kind == .file && message.fileName == "notes.bin" && message.fileSize == 300_000)
            let destination = directory.appendingPathComponent("received.bin")
            try await bob.client.downloadFile(message, to: destination)
            #expect(try Data(contentsOf: destination) == content)
        }
    }
}
