import MLS
import Testing
import WireFormat

/// RFC 9420 §6.1: the content a PublicMessage carries must be one its sender type may send
/// (review M2). Every message here has a valid signature, so only that rule can reject it.
@Suite struct PublicMessageSenderTests {
    typealias Fixture = MessageProtectionTests.Fixture

    /// A PublicMessage from a non-member `sender`, signed over FramedContentTBS (RFC 9420 §6.1)
    /// by the fixture's signer; commits carry a confirmation tag.
    static func signed(_ f: Fixture, sender: Sender, body: FramedContent.Body) throws -> PublicMessage {
        let content = FramedContent(groupID: [1, 2], epoch: 9, sender: sender, authenticatedData: [], body: body)
        var tbs = WireWriter()
        tbs.write(ProtocolVersion.mls10)
        tbs.write(MLSWireFormat.publicMessage)
        tbs.write(content)
        if case .newMemberCommit = sender { tbs.write(f.protection.groupContext) }
        let signature = try f.crypto.signWithLabel(privateKey: f.signer, label: "FramedContentTBS", content: tbs.bytes)
        let confirmationTag: [UInt8]? = body.contentType == .commit ? [UInt8](repeating: 1, count: f.crypto.hashLength) : nil
        return PublicMessage(
            content: content, auth: FramedContentAuthData(signature: signature, confirmationTag: confirmationTag), membershipTag: nil)
    }

    static func bodies() throws -> (add: FramedContent.Body, remove: FramedContent.Body, commit: FramedContent.Body) {
        let newcomer = try TestMember(suite: .letterlockDefault, number: 3)
        return (
            .proposal(.add(Add(keyPackage: try newcomer.keyPackage()))),
            .proposal(.remove(Remove(removed: 0))),
            .commit(Commit(proposals: [], path: nil))
        )
    }

    @Test func allowedSenderAndContentPairsVerify() throws {
        let f = try Fixture()
        let (add, remove, commit) = try Self.bodies()
        let allowed: [(Sender, FramedContent.Body)] = [
            (.external(senderIndex: 0), remove), (.external(senderIndex: 0), add), (.newMemberProposal, add), (.newMemberCommit, commit),
        ]
        for (sender, body) in allowed {
            let message = try Self.signed(f, sender: sender, body: body)
            let verified = try f.protection.unprotectPublic(message, signaturePublicKey: f.signer.publicKey, membershipKey: nil)
            #expect(verified.content == message.content)
        }
    }

    @Test func disallowedSenderAndContentPairsAreRejected() throws {
        let f = try Fixture()
        let (add, remove, commit) = try Self.bodies()
        let refused: [(Sender, FramedContent.Body)] = [
            (.external(senderIndex: 0), commit), (.newMemberProposal, remove), (.newMemberProposal, commit),
            (.newMemberCommit, add), (.newMemberCommit, remove),
        ]
        for (sender, body) in refused {
            let message = try Self.signed(f, sender: sender, body: body)
            #expect(throws: MessageProtectionError.invalidSenderForContentType) {
                try f.protection.unprotectPublic(message, signaturePublicKey: f.signer.publicKey, membershipKey: nil)
            }
            // Nor does this client produce such a message.
            #expect(throws: MessageProtectionError.invalidSenderForContentType) {
                try f.protection.protectPublic(
                    message.content, confirmationTag: message.auth.confirmationTag, signer: f.signer, membershipKey: nil)
            }
        }
    }
}
