import Crypto
import Foundation
@testable import LetterlockKit
import RelayAPI
import Testing

/// The trust decisions of the 2026-11-21 client review (docs/reviews/2026-11-21-client.md):
/// what the client believes about device sets and what one bad entry can do to its inbox.
@Suite struct TrustDecisionTests {
    /// Alice and Bob, contacts through Bob's invite link, each side holding the other's card.
    static func contacts(_ url: String) async throws -> (alice: Person, bob: Person) {
        let alice = try await Person.register("alice", relay: url)
        let bob = try await Person.register("bob", relay: url)
        try await alice.client.addContact(invite: try bob.client.inviteLink())
        _ = try await bob.client.sync()
        _ = try await alice.client.sync()
        return (alice, bob)
    }

    /// H1: a card listing a device the known set lacks must not extend the known set; the change
    /// is flagged at once (not only when the user runs `verify`).
    @Test func aCardDoesNotSilentlyAddADeviceToTheKnownSet() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob) = try await Self.contacts(url)
            let bobAccount = bob.client.identity.accountID
            let known = try #require(try alice.client.store.contact(bobAccount)).devices.map(\.deviceID)
            let phone = try await DeviceAndVerificationTests.link(bob, relay: url)
            try await bob.client.rotateDeliveryToken()  // a card listing the phone reaches Alice
            #expect(try await alice.client.sync().contactsUpdated == [bobAccount])

            let stored = try #require(try alice.client.store.contact(bobAccount))
            #expect(stored.devices.map(\.deviceID) == known)
            #expect(stored.devicesChangedAt != nil)
            let verification = try await alice.client.verify("bob")
            #expect(verification.devicesChanged && verification.addedDevices == [phone.identity.deviceID])
            // The new token and secret are still taken: sealed sends keep working.
            #expect(stored.deliveryToken == (try bob.client.inviteLink().deliveryToken))
        }
    }

    /// H2: a device the relay adds to Alice's account (shown to Alice and to Bob alike) must make
    /// the two safety numbers differ: Alice's half comes from the keys she holds herself.
    @Test func aDeviceTheRelayAddsToBothViewsChangesTheSafetyNumber() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob) = try await Self.contacts(url)
            #expect(try await alice.client.verify("bob").safetyNumber == (try await bob.client.verify("alice").safetyNumber))

            // The relay's move, done through the API: a device whose key it holds, listed in
            // Alice's directory entry without Alice's client ever linking it.
            let rogue = Curve25519.Signing.PrivateKey()
            let account = alice.client.identity.accountID
            let proof = try rogue.signature(for: RequestSigning.addDeviceProof(account: account, publicKey: rogue.publicKey.rawRepresentation))
            let added = try await alice.client.relay.addDevice(publicKey: rogue.publicKey.rawRepresentation, proof: proof)

            let atBob = try await bob.client.verify("alice")
            #expect(atBob.addedDevices == [added.deviceID])
            let atAlice = try await alice.client.verify("bob")
            #expect(atAlice.safetyNumber != atBob.safetyNumber)
            #expect(atAlice.unknownOwnDevices == [added.deviceID])
        }
    }

    /// H3: one introduction whose card carries a token the relay does not know (so the answering
    /// card cannot be delivered) must not stop Alice's inbox: later mail is still handled.
    @Test func oneUndeliverableIntroductionDoesNotBlockTheInbox() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let mallory = try await Person.register("mallory", relay: url)
            let carol = try await Person.register("carol", relay: url)
            try mallory.client.update(deliveryToken: Data(repeating: 0x42, count: 32))  // not a token the relay issued
            try await mallory.client.addContact(invite: try alice.client.inviteLink())
            try await carol.client.addContact(invite: try alice.client.inviteLink())

            let report = try await alice.client.sync()
            #expect(report.contactsUpdated.contains(carol.client.identity.accountID))
            // Handled once: nothing is left queued to block the next sync or the push window.
            #expect(try await alice.client.relay.mailbox(.inbox).isEmpty)
            _ = try await alice.client.sync()
        }
    }

    /// M2: a card the relay enqueues again later (signed, sealed, genuine, but old) must not roll
    /// a contact back to a revoked token.
    @Test func aReplayedOlderCardDoesNotRollBackAContact() async throws {
        let recorder = RelayRecorder()
        try await LiveRelay.run(recorder: recorder) { url, _ in
            let (alice, bob) = try await Self.contacts(url)
            let aliceDevice = alice.client.identity.deviceID
            // Bob's last sealed send to Alice (his card), as the relay received it.
            let old = try #require(
                recorder.all.filter { $0.path.hasPrefix("/v1/messages/sealed") }
                    .compactMap { try? JSONDecoder().decode(SealedSendRequest.self, from: $0.body) }
                    .last { $0.recipients.contains { $0.deviceID == aliceDevice } })
            try await Task.sleep(for: .milliseconds(1_100))  // `sentAt` has one-second resolution
            try await bob.client.rotateDeliveryToken()
            _ = try await alice.client.sync()
            let rotated = try bob.client.inviteLink().deliveryToken
            #expect(try alice.client.store.contact(bob.client.identity.accountID)?.deliveryToken == rotated)

            // The relay delivers the old card again (its sealed route takes it as new mail).
            try await alice.client.relay.sendSealed(old.payload, to: old.recipients.map { ($0.deviceID, $0.token) })
            let report = try await alice.client.sync()
            #expect(report.dropped == 1)
            #expect(try alice.client.store.contact(bob.client.identity.accountID)?.deliveryToken == rotated)
        }
    }

    /// L1: an accept carries a token and a contact secret, so it must arrive sealed; one sent in
    /// clear (readable by the relay) is not acted on.
    @Test func anAcceptInClearIsRefused() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            try await alice.client.addContact(username: "bob")
            let aliceAccount = alice.client.identity.accountID
            let payload = try Envelope.seal(
                bob.client.content(.contactAccept, to: aliceAccount, card: try bob.client.ownCard(includingToken: true)),
                signer: bob.client.signingKey, protection: .signed)
            try await bob.client.relay.sendRequest(payload, to: [alice.client.identity.deviceID])
            let report = try await alice.client.sync()
            #expect(report.dropped == 1 && report.contactsUpdated.isEmpty)
            #expect(try alice.client.store.contact(bob.client.identity.accountID)?.state == .outgoing)
        }
    }

    /// M1: confirming accepts the set whose number the user compared, not whatever the relay
    /// lists at confirmation time.
    @Test func confirmingRefusesASetThatChangedAfterTheComparison() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob) = try await Self.contacts(url)
            let phone = try await DeviceAndVerificationTests.link(bob, relay: url)
            let compared = try await alice.client.verify("bob")
            #expect(compared.addedDevices == [phone.identity.deviceID])

            // Between the comparison and the confirmation, the relay lists one more device.
            let rogue = Curve25519.Signing.PrivateKey()
            let account = bob.client.identity.accountID
            let proof = try rogue.signature(for: RequestSigning.addDeviceProof(account: account, publicKey: rogue.publicKey.rawRepresentation))
            _ = try await bob.client.relay.addDevice(publicKey: rogue.publicKey.rawRepresentation, proof: proof)
            await #expect(throws: LetterlockError.safetyNumberChanged) {
                try await alice.client.confirmDevices(of: "bob", expecting: compared.safetyNumber)
            }
            #expect(try alice.client.store.contact(account)?.devices.count == 1)
            #expect(try await alice.client.verify("bob").devicesChanged)
        }
    }

    /// L8: someone who saw the link code sends a proof with the right pairing but a bad
    /// signature first; linking skips it and completes with the real device's proof.
    @Test func aForgedLinkProofDoesNotAbortLinking() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let join = try await DeviceJoin.begin(home: LiveRelay.temporaryDirectory("home2").appendingPathComponent("state"), relayURL: url)
            var link = LinkMessage(pairing: join.code.pairing)
            link.proof = Data(repeating: 1, count: 64)
            let forger = Curve25519.Signing.PrivateKey()
            let content = EnvelopeContent(
                kind: .linkProof, senderAccount: join.code.temporaryAccount, senderDevice: join.code.temporaryDevice,
                recipientAccount: alice.client.identity.accountID, sentAt: Int64(Date().timeIntervalSince1970), card: nil, link: link)
            let payload = try Envelope.seal(
                content, signer: forger,
                protection: .devices([(alice.client.identity.deviceID, alice.client.identity.agreementPublicKey)]))
            // Proofs come as requests; a code-seer can send one only from an account of its own.
            let mallory = try await Person.register("mallory", relay: url)
            try await mallory.client.relay.sendRequest(payload, to: [alice.client.identity.deviceID])
            #expect(try await alice.client.relay.mailbox(.requests).count == 1)

            async let added = alice.client.linkDevice(code: join.code.description, timeout: .seconds(20), pollInterval: .milliseconds(50)) { _ in
                true
            }
            let joined = try await join.complete(timeout: .seconds(20), pollInterval: .milliseconds(50)) { _ in true }
            #expect(try await added.deviceID == joined.identity.deviceID)
        }
    }

    /// M4: anyone holding an invite link can send link messages (which a linking session reads,
    /// so they are left queued). Junk ones must not stall the mailbox for good: once older than
    /// any linking session they are dropped and acknowledged, by a fetch and by push alike.
    @Test func junkLinkMessagesDoNotStallTheMailbox() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let mallory = try await Person.register("mallory", relay: url)
            let invite = try alice.client.inviteLink()
            let forger = Curve25519.Signing.PrivateKey()
            for index in 0..<70 {
                let content = EnvelopeContent(
                    kind: index % 2 == 0 ? .linkOffer : .linkComplete, senderAccount: mallory.account,
                    senderDevice: mallory.client.identity.deviceID, recipientAccount: alice.account,
                    sentAt: Int64(Date().timeIntervalSince1970), link: LinkMessage(pairing: Data(repeating: 1, count: 16)))
                let payload = try Envelope.seal(
                    content, signer: forger, protection: .contactSecret(invite.contactSecret, recipientAccount: alice.account))
                try await mallory.client.relay.sendSealed(payload, to: [(alice.client.identity.deviceID, invite.deliveryToken)])
            }
            // Young: they may belong to a linking session, so they wait.
            #expect(try await alice.client.sync().leftForLater == 70)
            #expect(try await !alice.client.relay.mailbox(.inbox).isEmpty)

            // Older than any linking session they cannot: a fetch drops them all. (The lifetime
            // is shortened to 0 s, since the request-signing clock must stay the relay's.)
            let report = try await LetterlockClient.$linkMessageLifetime.withValue(0) { try await alice.client.sync() }
            #expect(report.dropped == 70 && report.leftForLater == 0)
            #expect(try await alice.client.relay.mailbox(.inbox).isEmpty)
        }
    }

    /// M4, push: entries for the conversation layer pushed to a listener are handled there (not
    /// left queued in the push window), junk included.
    @Test func pushedConversationJunkIsAcknowledged() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let junk = MailboxEntryBody(id: 77, queue: "inbox", payload: Data([0, 1, 0, 1, 0xff, 0xff]), sender: nil, receivedAt: 0)
            let (acknowledge, report) = try await alice.client.handlePushed(junk)
            #expect(acknowledge && report.dropped == 1)
        }
    }
}
