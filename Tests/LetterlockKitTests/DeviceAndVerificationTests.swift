import Foundation
import LetterlockKit
import RelayAPI
import Testing

@Suite struct DeviceAndVerificationTests {
    /// Links a second device to `person`'s account; returns its client.
    static func link(_ person: Person, relay url: String) async throws -> LetterlockClient {
        let home = LiveRelay.temporaryDirectory("home2").appendingPathComponent("state")
        let join = try await DeviceJoin.begin(home: home, relayURL: url)
        let code = join.code.description
        async let added = person.client.linkDevice(code: code, timeout: .seconds(20), pollInterval: .milliseconds(50))
        let joined = try await join.complete(timeout: .seconds(20), pollInterval: .milliseconds(50))
        let device = try await added
        #expect(device.deviceID == joined.identity.deviceID)
        return joined
    }

    @Test func safetyNumbersMatchOnBothSidesAndChangeWhenADeviceIsLinkedOrRevoked() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.client.addContact(invite: try bob.client.inviteLink())
            _ = try await bob.client.sync()
            _ = try await alice.client.sync()

            let atAlice = try await alice.client.verify("bob")
            let atBob = try await bob.client.verify("alice")
            #expect(atAlice.safetyNumber == atBob.safetyNumber)
            #expect(atAlice.safetyNumber.split(separator: " ").count == 12)
            #expect(atAlice.safetyNumber.allSatisfy { $0.isNumber || $0 == " " })
            #expect(!atAlice.devicesChanged && !atBob.devicesChanged)

            // Bob links a second device: the same account, with Bob's contacts and token.
            let bobPhone = try await Self.link(bob, relay: url)
            #expect(bobPhone.identity.accountID == bob.client.identity.accountID)
            #expect(try bobPhone.store.contact(alice.client.identity.accountID)?.state == .accepted)
            #expect(try bobPhone.inviteLink() == (try bob.client.inviteLink()))
            #expect(try await bobPhone.whoami().devices.count == 2)

            // Alice sees a device-set change and a new number; both sides agree again.
            let changed = try await alice.client.verify("bob")
            #expect(changed.devicesChanged)
            #expect(changed.addedDevices == [bobPhone.identity.deviceID])
            #expect(changed.safetyNumber != atAlice.safetyNumber)
            #expect(try await bob.client.verify("alice").safetyNumber == changed.safetyNumber)
            #expect(try await bobPhone.verify("alice").safetyNumber == changed.safetyNumber)
            #expect(try await alice.client.deviceChanges().map(\.accountID) == [bob.client.identity.accountID])
            try await alice.client.confirmDevices(of: "bob", expecting: changed.safetyNumber)
            #expect(try await alice.client.verify("bob").devicesChanged == false)

            // Revoking the phone changes it back, and warns again.
            try await bob.client.revoke(bobPhone.identity.deviceID)
            let revoked = try await alice.client.verify("bob")
            #expect(revoked.devicesChanged && revoked.removedDevices == [bobPhone.identity.deviceID])
            #expect(revoked.safetyNumber == atAlice.safetyNumber)
            await #expect(throws: RelayClientError.unknownDevice) { try await bobPhone.whoami() }
        }
    }

    @Test func threePeopleWithALinkedDeviceReceiveRequestsOnEveryDevice() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            let alicePhone = try await Self.link(alice, relay: url)
            // Bob asks Alice: both of her devices get the request.
            try await bob.client.addContact(username: "alice")
            #expect(try await alice.client.requests().map(\.senderAccount) == [bob.client.identity.accountID])
            #expect(try await alicePhone.requests().map(\.senderAccount) == [bob.client.identity.accountID])
            // Accepting on the phone: the accept card lists both of Alice's devices.
            try await alicePhone.accept("bob")
            _ = try await bob.client.sync()
            let aliceAtBob = try #require(try bob.client.store.contact(alice.client.identity.accountID))
            #expect(aliceAtBob.state == .accepted && aliceAtBob.devices.count == 2)
            #expect(aliceAtBob.devices.allSatisfy { $0.agreementKey != nil })
            // Carol uses Alice's invite link: the introduction reaches (and opens on) both devices.
            try await carol.client.addContact(invite: try alicePhone.inviteLink())
            #expect(try await alice.client.sync().contactsUpdated == [carol.client.identity.accountID])
            #expect(try await alicePhone.sync().contactsUpdated.contains(carol.client.identity.accountID))
            // Safety numbers agree pairwise.
            _ = try await carol.client.sync()
            let atCarol = try await carol.client.verify("alice").safetyNumber
            let atAlice = try await alice.client.verify(carol.client.identity.accountID).safetyNumber
            #expect(atCarol == atAlice)
        }
    }

    @Test func aLinkCodeFromAnotherPairingIsRefused() async throws {
        #expect(throws: LetterlockError.invalidLinkCode) { try LinkCode(parsing: "letterlock-link:v1:AAAA") }
        #expect(throws: LetterlockError.invalidInvite) { try InviteLink(parsing: "letterlock://invite/v1/zz/AAAA") }
    }
}
