import MLS
import Testing
import WireFormat

@Suite struct MessageProtectionTests {
    struct Fixture {
        let crypto: CryptoSuite
        let protection: MessageProtection
        let signer = SignaturePrivateKey.generate(scheme: .ed25519)
        let membershipKey = Secret(bytes: [UInt8](repeating: 5, count: 32))
        let senderDataSecret = Secret(bytes: [UInt8](repeating: 6, count: 32))
        var encryptionSecret: Secret { Secret(bytes: [UInt8](repeating: 7, count: crypto.hashLength)) }

        init(suite: CipherSuite = .letterlockDefault) throws {
            crypto = try suite.crypto()
            let context = GroupContext(cipherSuite: suite, groupID: [1, 2], epoch: 9, treeHash: [3], confirmedTranscriptHash: [4])
            protection = MessageProtection(crypto: crypto, groupContext: context)
        }

        func content(_ body: FramedContent.Body, leaf: UInt32 = 1, epoch: UInt64 = 9) -> FramedContent {
            FramedContent(groupID: [1, 2], epoch: epoch, sender: .member(leafIndex: leaf), authenticatedData: [0xaa], body: body)
        }

        func tree() throws -> SecretTree {
            try SecretTree(crypto: crypto, encryptionSecret: encryptionSecret, leafCount: 4)
        }

        func key(_ leaf: LeafIndex) -> [UInt8]? { leaf == LeafIndex(1) ? signer.publicKey : nil }
    }

    @Test func publicMessageRejectsTamperingAndWrongContext() throws {
        let f = try Fixture()
        let proposal = Proposal.remove(Remove(removed: 0))
        let message = try f.protection.protectPublic(f.content(.proposal(proposal)), signer: f.signer, membershipKey: f.membershipKey)
        _ = try f.protection.unprotectPublic(message, signaturePublicKey: f.signer.publicKey, membershipKey: f.membershipKey)

        var badTag = message
        badTag.membershipTag![0] ^= 1
        #expect(throws: MessageProtectionError.invalidMembershipTag) {
            try f.protection.unprotectPublic(badTag, signaturePublicKey: f.signer.publicKey, membershipKey: f.membershipKey)
        }
        // A member's signature is covered by the membership tag, which fails first.
        var badSignature = message
        badSignature.auth.signature[3] ^= 1
        #expect(throws: MessageProtectionError.invalidMembershipTag) {
            try f.protection.unprotectPublic(badSignature, signaturePublicKey: f.signer.publicKey, membershipKey: f.membershipKey)
        }
        // A non-member's message has no tag, so a tampered signature reaches the signature check.
        let external = FramedContent(groupID: [1, 2], epoch: 9, sender: .external(senderIndex: 0), authenticatedData: [], body: .proposal(proposal))
        let externalMessage = try f.protection.protectPublic(external, signer: f.signer, membershipKey: nil)
        #expect(externalMessage.membershipTag == nil)
        _ = try f.protection.unprotectPublic(externalMessage, signaturePublicKey: f.signer.publicKey, membershipKey: nil)
        var badExternalSignature = externalMessage
        badExternalSignature.auth.signature[3] ^= 1
        #expect(throws: MessageProtectionError.invalidSignature) {
            try f.protection.unprotectPublic(badExternalSignature, signaturePublicKey: f.signer.publicKey, membershipKey: nil)
        }
        var changedContent = externalMessage
        changedContent.content.authenticatedData = [1]
        #expect(throws: MessageProtectionError.invalidSignature) {
            try f.protection.unprotectPublic(changedContent, signaturePublicKey: f.signer.publicKey, membershipKey: nil)
        }
        let other = SignaturePrivateKey.generate(scheme: .ed25519)
        #expect(throws: MessageProtectionError.invalidSignature) {
            try f.protection.unprotectPublic(message, signaturePublicKey: other.publicKey, membershipKey: f.membershipKey)
        }
        #expect(throws: MessageProtectionError.wrongEpoch) {
            try f.protection.protectPublic(f.content(.proposal(proposal), epoch: 8), signer: f.signer, membershipKey: f.membershipKey)
        }
        #expect(throws: MessageProtectionError.applicationMustBeEncrypted) {
            try f.protection.protectPublic(f.content(.application([1])), signer: f.signer, membershipKey: f.membershipKey)
        }
        #expect(throws: MessageProtectionError.confirmationTagMismatch) {
            try f.protection.protectPublic(f.content(.proposal(proposal)), confirmationTag: [1], signer: f.signer, membershipKey: f.membershipKey)
        }
    }

    @Test(arguments: CipherSuite.supported)
    func privateMessageRoundTripsOncePerKey(suite: CipherSuite) throws {
        let f = try Fixture(suite: suite)
        let signer = SignaturePrivateKey.generate(scheme: f.crypto.signatureScheme)
        var senderTree = try f.tree()
        var receiverTree = try f.tree()
        let message = try f.protection.protectPrivate(
            f.content(.application([1, 2, 3])), signer: signer, secretTree: &senderTree, senderDataSecret: f.senderDataSecret,
            paddingLength: 32, reuseGuard: [9, 8, 7, 6])
        let key: (LeafIndex) -> [UInt8]? = { $0 == LeafIndex(1) ? signer.publicKey : nil }
        let opened = try f.protection.unprotectPrivate(message, secretTree: &receiverTree, senderDataSecret: f.senderDataSecret, signaturePublicKey: key)
        #expect(opened.content.body == .application([1, 2, 3]))
        #expect(opened.content.authenticatedData == [0xaa])
        // The key was deleted after use: a replay fails.
        #expect(throws: MessageProtectionError.secretTree(.keyConsumed)) {
            try f.protection.unprotectPrivate(message, secretTree: &receiverTree, senderDataSecret: f.senderDataSecret, signaturePublicKey: key)
        }
    }

    /// A corrupted ciphertext must not delete the key the genuine message needs.
    @Test func forgedCiphertextDoesNotBurnTheKey() throws {
        let f = try Fixture()
        var senderTree = try f.tree()
        var receiverTree = try f.tree()
        let message = try f.protection.protectPrivate(
            f.content(.application([7])), signer: f.signer, secretTree: &senderTree, senderDataSecret: f.senderDataSecret, reuseGuard: [0, 0, 0, 1])
        var forged = message
        forged.authenticatedData = [0xbb]  // changes the content AAD; the sender data AAD does not cover it
        #expect(throws: MessageProtectionError.decryptionFailed) {
            try f.protection.unprotectPrivate(forged, secretTree: &receiverTree, senderDataSecret: f.senderDataSecret, signaturePublicKey: f.key)
        }
        let opened = try f.protection.unprotectPrivate(message, secretTree: &receiverTree, senderDataSecret: f.senderDataSecret, signaturePublicKey: f.key)
        #expect(opened.content.body == .application([7]))
    }

    @Test func unknownSenderAndWrongGroupAreRejected() throws {
        let f = try Fixture()
        var senderTree = try f.tree()
        var receiverTree = try f.tree()
        let message = try f.protection.protectPrivate(
            f.content(.application([7]), leaf: 2), signer: f.signer, secretTree: &senderTree, senderDataSecret: f.senderDataSecret,
            reuseGuard: [0, 0, 0, 1])
        #expect(throws: MessageProtectionError.unknownSender) {
            try f.protection.unprotectPrivate(message, secretTree: &receiverTree, senderDataSecret: f.senderDataSecret, signaturePublicKey: f.key)
        }
        var elsewhere = message
        elsewhere.groupID = [9]
        #expect(throws: MessageProtectionError.wrongGroup) {
            try f.protection.unprotectPrivate(elsewhere, secretTree: &receiverTree, senderDataSecret: f.senderDataSecret, signaturePublicKey: f.key)
        }
        #expect(throws: MessageProtectionError.senderMustBeMember) {
            let content = FramedContent(groupID: [1, 2], epoch: 9, sender: .newMemberProposal, authenticatedData: [], body: .application([1]))
            _ = try f.protection.protectPrivate(
                content, signer: f.signer, secretTree: &senderTree, senderDataSecret: f.senderDataSecret, reuseGuard: [1, 2, 3, 4])
        }
    }
}
