import Foundation
import LetterlockKit
import RelayAPI
import Synchronization
import Testing

@Suite struct DeviceAndVerificationTests {
    /// Links a second device to `person`'s account; returns its client.
    static func link(_ person: Person, relay url: String) async throws -> LetterlockClient {
        let home = LiveRelay.temporaryDirectory("home2").appendingPathComponent("state")
        let join = try await DeviceJoin.begin(home: home, relayURL: url)
        let code = join.code.description
        let shown = Mutex<(existing: String?, new: String?)>((nil, nil))
        async let added = person.client.linkDevice(code: code, timeout: .seconds(20), pollInterval: .milliseconds(50)) { digits in
            shown.withLock { $0.existing = digits }
            return true
        }
        let joined = try await join.complete(timeout: .seconds(20), pollInterval: .milliseconds(50)) { offer in
            shown.withLock { $0.new = offer.confirmationCode }
            return offer.accountID == person.client.identity.accountID
        }
        let device = try await added
        #expect(device.deviceID == joined.identity.deviceID)
        // Both devices showed the same six digits (review M3).
        let codes = shown.withLock { $0 }
        #expect(codes.existing != nil && codes.existing == codes.new && codes.new?.count == 6)
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

    @Test func malformedLinkCodesAndInvitesAreRefused() async throws {
        #expect(throws: LetterlockError.invalidLinkCode) { try LinkCode(parsing: "letterlock-link:v1:AAAA") }
        #expect(throws: LetterlockError.invalidInvite) { try InviteLink(parsing: "letterlock://invite/v1/zz/AAAA") }
    }

    /// Review L12: the pairing value really binds the two halves. An offer made from a code with
    /// another pairing (the mailbox and keys of the real new device, a different pairing) is
    /// never taken by the new device: both sides time out and no device is added.
    @Test func aLinkCodeFromAnotherPairingIsRefused() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let join = try await DeviceJoin.begin(home: LiveRelay.temporaryDirectory("home2").appendingPathComponent("state"), relayURL: url)
            var other = join.code
            other.pairing = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
            #expect(other.pairing != join.code.pairing)
            let offered = Mutex(false)
            let added = Task { try await alice.client.linkDevice(code: other.description, timeout: .seconds(2), pollInterval: .milliseconds(50)) { _ in true } }
            await #expect(throws: LetterlockError.linkTimedOut) {
                try await join.complete(timeout: .seconds(2), pollInterval: .milliseconds(50)) { _ in
                    offered.withLock { $0 = true }
                    return true
                }
            }
            await #expect(throws: LetterlockError.linkTimedOut) { try await added.value }
            #expect(!offered.withLock { $0 })
            #expect(try await alice.client.devices().count == 1)
        }
    }

    /// Review M3: nothing is committed before a person confirmed on each side. Declined on the
    /// new device: no proof is sent, the existing device adds nothing and shares nothing.
    /// Declined on the existing device: the key is not added and no secret is sent.
    @Test(arguments: [true, false])
    func declinedConfirmationCodesStopLinking(declineOnNewDevice: Bool) async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let home = LiveRelay.temporaryDirectory("home2").appendingPathComponent("state")
            let join = try await DeviceJoin.begin(home: home, relayURL: url)
            let existingAsked = Mutex(false)
            let added = Task {
                try await alice.client.linkDevice(code: join.code.description, timeout: .seconds(10), pollInterval: .milliseconds(50)) { _ in
                    existingAsked.withLock { $0 = true }
                    return declineOnNewDevice
                }
            }
            let newDeviceError = await #expect(throws: LetterlockError.self) {
                try await join.complete(timeout: .seconds(10), pollInterval: .milliseconds(50)) { _ in !declineOnNewDevice }
            }
            let existingError = await #expect(throws: LetterlockError.self) { try await added.value }
            if declineOnNewDevice {
                #expect(newDeviceError == .linkRejected && existingError == .linkTimedOut)
                #expect(!existingAsked.withLock { $0 })  // no proof ever came
            } else {
                #expect(existingError == .linkRejected && newDeviceError == .linkTimedOut)
            }
            #expect(try await alice.client.devices().count == 1)
            // The new home never received the account's state.
            #expect(!LetterlockClient.isRegistered(home: home))
        }
    }
}
