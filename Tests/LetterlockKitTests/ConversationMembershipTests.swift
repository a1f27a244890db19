import Foundation
import LetterlockKit
import RelayAPI
import Testing

/// Membership upkeep: revoked devices leave the groups, and a leave whose proposals lapsed is
/// proposed again until a Commit removes the leaver.
@Suite struct ConversationMembershipTests {
    /// Alice revokes her phone: her client commits its removal from the group at once, and the
    /// others follow.
    @Test func aDeviceRevokedByItsAccountIsRemovedFromItsGroups() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            let alicePhone = try await DeviceAndVerificationTests.link(alice, relay: url)
            _ = try await alicePhone.receive()  // publishes KeyPackages
            let chat = try await alice.client.startConversation(with: "bob")
            _ = try await bob.client.receive()
            _ = try await alicePhone.receive()
            #expect(try bob.client.memberDevices(in: chat.id).contains(alicePhone.identity.deviceID))

            try await alice.client.revoke(alicePhone.identity.deviceID)
            #expect(try !alice.client.memberDevices(in: chat.id).contains(alicePhone.identity.deviceID))
            #expect(try await bob.client.receive().commits == 1)
            #expect(try !bob.client.memberDevices(in: chat.id).contains(alicePhone.identity.deviceID))
            #expect(try bob.client.conversation(chat.id).epoch == (try alice.client.conversation(chat.id).epoch))
            try await bob.client.sendText("only your laptop reads this", to: chat.id)
            #expect(try await alice.client.receive().messages.map(\.text) == ["only your laptop reads this"])
        }
    }

    /// A contact's device disappears from the directory without its account's client removing
    /// it from our group (revoked from a device that is not in it): the next member to receive
    /// notices and commits the removal, and messages reach the others meanwhile.
    @Test func aContactsRevokedDeviceIsRemovedByAnotherMember() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let bobPhone = try await DeviceAndVerificationTests.link(bob, relay: url)
            _ = try await bobPhone.receive()
            let group = try await alice.client.createGroup(named: "trio", members: ["bob", "carol"])
            for device in [bob.client, bobPhone, carol.client] { _ = try await device.receive() }
            let before = try alice.client.conversation(group.id).epoch

            // Revoked at the relay only (as from a device outside the group).
            try await bob.client.relay.removeDevice(bobPhone.identity.deviceID)
            // Carol's message still reaches everyone else (the relay refuses the revoked
            // device; the send goes again to the devices still listed).
            try await carol.client.sendText("still here?", to: group.id)
            #expect(try await alice.client.receive().messages.map(\.text) == ["still here?"])
            #expect(try alice.client.conversation(group.id).epoch == before + 1, "Alice's receive removed the phone")
            #expect(try !alice.client.memberDevices(in: group.id).contains(bobPhone.identity.deviceID))
            for device in [bob.client, carol.client] {
                _ = try await device.receive()
                #expect(try device.conversation(group.id).epoch == before + 1)
                #expect(try device.memberDevices(in: group.id).count == 3)
            }
            try await bob.client.sendText("phone gone", to: group.id)
            #expect(try await carol.client.receive().messages.map(\.text) == ["phone gone"])
        }
    }

    /// Bob leaves, but Carol's self-update wins the epoch of his Remove proposals before anyone
    /// commits them: the proposals lapse. Bob's client sees Carol's Commit still has him in the
    /// tree and proposes again in the new epoch; Alice commits it; Bob's state is erased.
    @Test func aLeaveWhoseProposalsLapsedIsProposedAgain() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, carol) = try await Person.aliceAndHerFriends(relay: url)
            let group = try await alice.createGroup(named: "lapse", with: [bob, carol])

            try await bob.client.leave(group.id)
            #expect(try bob.client.conversation(group.id).active == false)
            try await carol.client.selfUpdate(group.id)  // Carol has not seen the proposals
            _ = try await alice.client.receive()  // proposals, then Carol's Commit: they lapse
            _ = try await carol.client.receive()  // the proposals are of an epoch Carol left
            #expect(Set(try alice.client.conversation(group.id).members) == [alice.account, bob.account, carol.account])

            _ = try await bob.client.receive()  // sees Carol's Commit, proposes again
            _ = try await alice.client.receive()  // commits the removal
            _ = try await carol.client.receive()
            _ = try await bob.client.receive()  // the Commit removing Bob: his state is erased
            for person in [alice, carol] {
                #expect(Set(try person.client.conversation(group.id).members) == [alice.account, carol.account])
            }
            #expect(try bob.client.conversation(group.id).active == false)
            #expect(throws: ConversationError.self) { try bob.client.memberDevices(in: group.id) }
            try await alice.client.sendText("just the two of us", to: group.id)
            #expect(try await carol.client.receive().messages.map(\.text) == ["just the two of us"])
            #expect(try await bob.client.receive().messages.isEmpty)
        }
    }

    /// Bob leaves from his laptop while his phone is in the group too: the phone does not
    /// commit its own account's leave (it cannot remove itself); Alice commits both removals.
    @Test func aLeaveRemovesEveryDeviceOfTheAccount() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            let bobPhone = try await DeviceAndVerificationTests.link(bob, relay: url)
            _ = try await bobPhone.receive()
            let group = try await alice.client.createGroup(named: "pair", members: ["bob"])
            for device in [bob.client, bobPhone] { _ = try await device.receive() }
            try await bob.client.leave(group.id)
            _ = try await bobPhone.receive()  // sees the proposals, commits nothing
            _ = try await alice.client.receive()
            #expect(try alice.client.conversation(group.id).members == [alice.account])
            #expect(try alice.client.memberDevices(in: group.id) == [alice.client.identity.deviceID])
            _ = try await bobPhone.receive()
            _ = try await bob.client.receive()
            #expect(try bobPhone.conversation(group.id).active == false)
            #expect(try bob.client.conversation(group.id).active == false)
        }
    }

    /// Bob left, so only Alice's two devices remain: nobody of another account can commit her
    /// leave. Leaving commits the removal of her other device (which drops the group on it)
    /// and forgets the group on the leaving device; nothing is left pending anywhere.
    @Test func leavingAGroupOfOnlyOwnDevicesEndsItOnEveryOwnDevice() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.befriend(bob)
            let alicePhone = try await DeviceAndVerificationTests.link(alice, relay: url)
            _ = try await alicePhone.receive()
            let group = try await alice.client.createGroup(named: "fading", members: ["bob"])
            for device in [alicePhone, bob.client] { _ = try await device.receive() }
            try await bob.client.leave(group.id)
            _ = try await alice.client.receive()  // commits Bob's leave
            _ = try await alicePhone.receive()
            #expect(try alicePhone.conversation(group.id).members == [alice.account])
            try await alicePhone.sendText("note to self", to: group.id)
            #expect(try await alice.client.receive().messages.map(\.text) == ["note to self"])

            try await alice.client.leave(group.id)
            #expect(try alice.client.conversation(group.id).active == false)
            #expect(try alice.client.store.pendingWelcomeCount(group.id) == 0)
            _ = try await alicePhone.receive()
            #expect(try alicePhone.conversation(group.id).active == false, "the phone was removed with the leave")
            #expect(try alice.client.texts(group.id).contains("note to self"), "the history stays")
            for device in [alice.client, alicePhone] {
                #expect(try await device.receive().commits == 0, "nothing left to commit")
                await #expect(throws: ConversationError.leftConversation) { try await device.sendText("gone", to: group.id) }
            }
        }
    }
}
