import Crypto
import Foundation
import LetterlockKit
import RelayAPI
import Testing

@Suite struct IdentityAndContactTests {
    @Test func registerCreatesAPrivateStateFileAndWhoamiAgreesWithTheRelay() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let me = try await alice.client.whoami()
            #expect(me.username == "alice")
            #expect(me.devices == [alice.client.identity.deviceID])
            let file = alice.home.appendingPathComponent(DeviceStore.fileName).path
            let fileMode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            let directoryMode = try FileManager.default.attributesOfItem(atPath: alice.home.path)[.posixPermissions] as? Int
            #expect(fileMode == 0o600)
            #expect(directoryMode == 0o700)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: file + suffix) {
                #expect(try FileManager.default.attributesOfItem(atPath: file + suffix)[.posixPermissions] as? Int == 0o600)
            }
            #expect(try alice.client.store.pragma("journal_mode") == "wal")
            #expect(try alice.client.store.pragma("synchronous") == "2")  // FULL
            #expect(try alice.client.store.appliedMigrations() == [
                "2026-11-21 device v1", "2026-11-21 conversations v1", "2026-11-21 contact secret", "2026-11-21 conversation recovery",
                "2026-11-21 first message", "2026-11-21 outbox states", "2026-11-21 early messages", "2026-11-21 unsent requests",
            ])
            // Reopening finds the same identity.
            let reopened = try LetterlockClient.open(home: alice.home)
            #expect(reopened.identity == alice.client.identity)
        }
    }

    @Test func aPassphraseSealsTheKeysAndAWrongOneIsRefused() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url, passphrase: "correct horse")
            #expect(throws: LetterlockError.passphraseRequired) { try LetterlockClient.open(home: alice.home) }
            #expect(throws: LetterlockError.wrongPassphrase) { try LetterlockClient.open(home: alice.home, passphrase: "wrong horse") }
            let reopened = try LetterlockClient.open(home: alice.home, passphrase: "correct horse")
            #expect(try await reopened.whoami().accountID == alice.client.identity.accountID)
            // The private key is not in the file in clear.
            let bytes = try Data(contentsOf: alice.home.appendingPathComponent(DeviceStore.fileName))
            let wal = (try? Data(contentsOf: alice.home.appendingPathComponent(DeviceStore.fileName + "-wal"))) ?? Data()
            let secret = reopened.relay.credentials!.signingKey.rawRepresentation
            #expect(bytes.firstRange(of: secret) == nil && wal.firstRange(of: secret) == nil)
        }
    }

    @Test func aUsernameRequestIsAcceptedAndBothSidesEndUpWithTokens() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let sent = try await alice.client.addContact(username: "bob")
            #expect(sent.state == .outgoing)

            let requests = try await bob.client.requests()
            #expect(requests.map(\.senderAccount) == [alice.client.identity.accountID])
            #expect(requests.first?.card.username == "alice")
            #expect(requests.first?.card.deliveryToken == nil)  // requests are readable by the relay

            try await bob.client.accept("alice")
            #expect(try await bob.client.requests().isEmpty)
            let aliceReport = try await alice.client.sync()
            #expect(aliceReport.contactsUpdated == [bob.client.identity.accountID])
            let bobReport = try await bob.client.sync()
            #expect(bobReport.contactsUpdated == [alice.client.identity.accountID])

            let bobAtAlice = try #require(try alice.client.store.contact(bob.client.identity.accountID))
            let aliceAtBob = try #require(try bob.client.store.contact(alice.client.identity.accountID))
            #expect(bobAtAlice.state == .accepted && aliceAtBob.state == .accepted)
            #expect(bobAtAlice.deliveryToken == (try bob.client.inviteLink().deliveryToken))
            #expect(aliceAtBob.deliveryToken == (try alice.client.inviteLink().deliveryToken))
            #expect(bobAtAlice.devices.allSatisfy { $0.agreementKey != nil })
            // Nothing stays queued at the relay for either side.
            for client in [alice.client, bob.client] {
                #expect(try await client.relay.mailbox(.inbox).isEmpty)
                #expect(try await client.relay.mailbox(.requests).isEmpty)
            }
        }
    }

    @Test func anInviteLinkMakesContactsWithoutARequest() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let carol = try await Person.register(nil, relay: url)
            let link = try InviteLink(parsing: try carol.client.inviteLink().description)
            let contact = try await alice.client.addContact(invite: link)
            #expect(contact.state == .accepted)
            let report = try await carol.client.sync()
            #expect(report.contactsUpdated == [alice.client.identity.accountID])
            #expect(try await carol.client.relay.mailbox(.requests).isEmpty)  // it never was a request
            _ = try await alice.client.sync()
            let carolAtAlice = try #require(try alice.client.store.contact(carol.client.identity.accountID))
            #expect(carolAtAlice.devices.allSatisfy { $0.agreementKey != nil })
            #expect(try carol.client.store.contact(alice.client.identity.accountID)?.username == "alice")

            // Rotating the token revokes the link.
            try await carol.client.rotateDeliveryToken()
            let dave = try await Person.register("dave", relay: url)
            await #expect(throws: LetterlockError.invalidInvite) { try await dave.client.addContact(invite: link) }
            // Alice got the new token in a card.
            _ = try await alice.client.sync()
            #expect(try alice.client.store.contact(carol.client.identity.accountID)?.deliveryToken == (try carol.client.inviteLink().deliveryToken))
        }
    }

    @Test func ignoredAndBlockedRequestsAndUnblocking() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let mallory = try await Person.register("mallory", relay: url)

            try await mallory.client.addContact(username: "alice")
            try await bob.client.addContact(username: "alice")
            #expect(
                Set(try await alice.client.requests().map(\.senderAccount)) == [mallory.client.identity.accountID, bob.client.identity.accountID])
            try await alice.client.ignore("bob")
            try await alice.client.blockRequest("mallory")
            #expect(try await alice.client.requests().isEmpty)
            #expect(try await alice.client.relay.blocks() == [mallory.client.identity.accountID])

            // A blocked sender's request is never delivered (and looks delivered to them).
            try await mallory.client.addContact(username: "alice")
            #expect(try await alice.client.requests().isEmpty)
            #expect(try await alice.client.relay.mailbox(.requests).isEmpty)

            // Blocking locally refuses to add; unblocking lets requests through again.
            await #expect(throws: LetterlockError.blocked) { try await alice.client.addContact(username: "mallory") }
            try await alice.client.unblock("mallory")
            #expect(try await alice.client.relay.blocks().isEmpty)
            try await mallory.client.addContact(username: "alice")
            #expect(try await alice.client.requests().map(\.senderAccount) == [mallory.client.identity.accountID])
        }
    }

    @Test func unknownUsernamesAreTypedErrors() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            await #expect(throws: LetterlockError.unknownContact) { try await alice.client.addContact(username: "nobody_here") }
            await #expect(throws: LetterlockError.invalidUsername) { try await alice.client.addContact(username: "Not Valid") }
            await #expect(throws: LetterlockError.unknownContact) { try await alice.client.verify("nobody_here") }
        }
    }

    @Test func anUnreachableRelayIsATypedError() async throws {
        let home = LiveRelay.temporaryDirectory("home")
        await #expect(throws: RelayClientError.unreachable) {
            try await LetterlockClient.register(home: home, relayURL: "http://127.0.0.1:1", username: "alice")
        }
    }
}

@Suite struct CrossedRequestTests {
    @Test func addingSomeoneWhoAlreadyAskedAcceptsTheirRequest() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await bob.client.addContact(username: "alice")
            _ = try await alice.client.sync()
            let contact = try await alice.client.addContact(username: "bob")
            #expect(contact.state == .accepted)
            #expect(try alice.client.store.pendingRequests().isEmpty)
            _ = try await bob.client.sync()
            _ = try await alice.client.sync()
            #expect(try bob.client.store.contact(alice.client.identity.accountID)?.deliveryToken != nil)
            #expect(try alice.client.store.contact(bob.client.identity.accountID)?.deliveryToken != nil)
            #expect(try await bob.client.requests().isEmpty)
        }
    }
}
