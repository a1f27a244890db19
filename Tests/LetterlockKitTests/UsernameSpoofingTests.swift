import Foundation
@testable import LetterlockKit
import Testing

@Suite struct UsernameSpoofingTests {
    /// A card's username is a claim: a stranger calling herself "bob" is not shown as @bob.
    @Test func aCardClaimingSomeoneElsesUsernameIsNotBelieved() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            _ = try await Person.register("bob", relay: url)
            let mallory = try await Person.register("mallory", relay: url)
            // Mallory writes "bob" into her own card, through both routes.
            var forged = mallory.client.identity
            forged.username = "bob"  // written locally only: the relay still says "mallory"
            try mallory.client.update(identity: forged, deliveryToken: mallory.client.deliveryToken)
            try await mallory.client.addContact(username: "alice")
            try await mallory.client.addContact(invite: try alice.client.inviteLink())
            let report = try await alice.client.sync()
            #expect(report.newRequests == 1)
            let request = try #require(try alice.client.store.pendingRequests().first)
            #expect(request.card.username == "bob")  // what she claimed
            #expect(request.senderUsername == nil)  // what Alice shows
            let contact = try #require(try alice.client.store.contact(mallory.client.identity.accountID))
            #expect(contact.username == nil)
            #expect(try alice.client.store.contact(username: "bob") == nil)
        }
    }

    /// Review L7: after a rename, two contacts can carry the same username locally. A name that
    /// names two of them is refused, never resolved to one of them arbitrarily.
    @Test func aUsernameTwoContactsCarryIsRefusedAsAmbiguous() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await bob.befriend(alice)
            #expect(try alice.client.store.contact(bob.client.identity.accountID)?.username == "bob")
            // Bob moves to another name; someone else takes "bob"; Alice asks the new "bob".
            try await bob.client.setUsername("robert")
            let other = try await Person.register("bob", relay: url)
            try await alice.client.addContact(username: "bob")
            #expect(try alice.client.contacts().filter { $0.username == "bob" }.count == 2)

            await #expect(throws: LetterlockError.ambiguousName) { try await alice.client.resolve("bob") }
            await #expect(throws: LetterlockError.ambiguousName) { try await alice.client.block("bob") }
            await #expect(throws: LetterlockError.ambiguousName) { try await alice.client.verify("bob") }
            #expect(try alice.client.blockedAccounts().isEmpty)
            // Account ids still name each of them.
            #expect(try await alice.client.resolve(other.client.identity.accountID) == other.client.identity.accountID)
            #expect(try await alice.client.block(other.client.identity.accountID) == other.client.identity.accountID)
        }
    }
}
