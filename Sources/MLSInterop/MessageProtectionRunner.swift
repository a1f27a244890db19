public import Foundation
import MLS
import WireFormat

/// `message-protection.json` (RFC 9420 §6): for the proposal, the commit and the application
/// data of each case, with leaf 1 of a two-member group as the sender:
/// - the given PublicMessage verifies (membership tag and signature) and carries the raw value
///   (application data: protecting it as a PublicMessage must fail);
/// - protecting the raw value as a PublicMessage gives one that verifies;
/// - the given PrivateMessage decrypts with a fresh secret tree and verifies, carrying the raw value;
/// - protecting the raw value as a PrivateMessage (random reuse guard) gives one that a fresh
///   receiver's secret tree decrypts and verifies.
/// A Commit needs a confirmation tag to be protected: the one of the given PublicMessage is reused.
public struct MessageProtectionRunner: VectorRunner {
    public static let kind = "message-protection"
    public init() {}

    struct Case: Decodable {
        let cipher_suite: UInt16
        let group_id: HexBytes
        let epoch: UInt64
        let tree_hash: HexBytes
        let confirmed_transcript_hash: HexBytes
        let signature_priv: HexBytes
        let signature_pub: HexBytes
        let encryption_secret: HexBytes
        let sender_data_secret: HexBytes
        let membership_key: HexBytes
        let proposal: HexBytes
        let proposal_pub: HexBytes
        let proposal_priv: HexBytes
        let commit: HexBytes
        let commit_pub: HexBytes
        let commit_priv: HexBytes
        let application: HexBytes
        let application_priv: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(test.cipher_suite))"
            guard let crypto = result.crypto(forSuite: test.cipher_suite, label: label) else { continue }
            var check = CaseCheck()
            check.attempt("setup") { check in
                let context = GroupContext(
                    cipherSuite: CipherSuite(rawValue: test.cipher_suite), groupID: test.group_id.bytes, epoch: test.epoch,
                    treeHash: test.tree_hash.bytes, confirmedTranscriptHash: test.confirmed_transcript_hash.bytes)
                let environment = Environment(
                    test: test, crypto: crypto, protection: MessageProtection(crypto: crypto, groupContext: context),
                    signer: try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: test.signature_priv.bytes))
                let proposal = try Proposal(wireBytes: test.proposal.bytes)
                let commit = try Commit(wireBytes: test.commit.bytes)
                check.problems += environment.check("proposal", body: .proposal(proposal), pub: test.proposal_pub.bytes, priv: test.proposal_priv.bytes)
                check.problems += environment.check("commit", body: .commit(commit), pub: test.commit_pub.bytes, priv: test.commit_priv.bytes)
                check.problems += environment.check("application", body: .application(test.application.bytes), pub: nil, priv: test.application_priv.bytes)
            }
            result.record(label, suite: test.cipher_suite, problems: check.problems)
        }
        return result
    }

    private struct Environment {
        let test: Case
        let crypto: CryptoSuite
        let protection: MessageProtection
        let signer: SignaturePrivateKey
        let sender = LeafIndex(1)

        func freshTree() throws -> SecretTree {
            try SecretTree(crypto: crypto, encryptionSecret: Secret(bytes: test.encryption_secret.bytes), leafCount: 2)
        }

        func signatureKey(_ leaf: LeafIndex) -> [UInt8]? {
            leaf == sender ? test.signature_pub.bytes : nil
        }

        func check(_ name: String, body: FramedContent.Body, pub: [UInt8]?, priv: [UInt8]) -> [String] {
            var check = CaseCheck()
            let membershipKey = Secret(bytes: test.membership_key.bytes)
            let senderDataSecret = Secret(bytes: test.sender_data_secret.bytes)
            var confirmationTag: [UInt8]?
            // The given PublicMessage.
            if let pub {
                check.attempt("\(name)_pub") { check in
                    guard case .publicMessage(let message) = try MLSMessage(wireBytes: pub).body else {
                        check.problems.append("\(name)_pub is not a PublicMessage")
                        return
                    }
                    let content = try protection.unprotectPublic(message, signaturePublicKey: test.signature_pub.bytes, membershipKey: membershipKey)
                    check.expect(content.content.body == body, "\(name)_pub carries another value")
                    check.expect(content.content.sender == .member(leafIndex: sender.value), "\(name)_pub sender is not leaf 1")
                    confirmationTag = content.auth.confirmationTag
                }
            }
            // Our PublicMessage.
            let content = FramedContent(
                groupID: test.group_id.bytes, epoch: test.epoch, sender: .member(leafIndex: sender.value), authenticatedData: [], body: body)
            if case .application = body {
                do {
                    _ = try protection.protectPublic(content, signer: signer, membershipKey: membershipKey)
                    check.problems.append("application data was protected as a PublicMessage")
                } catch {
                    check.expect(error == .applicationMustBeEncrypted, "application as PublicMessage failed with \(error)")
                }
            } else {
                check.attempt("\(name) protect public") { check in
                    let message = try protection.protectPublic(content, confirmationTag: confirmationTag, signer: signer, membershipKey: membershipKey)
                    let decoded = try MLSMessage(wireBytes: MLSMessage(.publicMessage(message)).wireBytes)
                    guard case .publicMessage(let reparsed) = decoded.body else { return check.problems.append("re-decode failed") }
                    let verified = try protection.unprotectPublic(reparsed, signaturePublicKey: test.signature_pub.bytes, membershipKey: membershipKey)
                    check.expect(verified.content.body == body, "\(name): our PublicMessage carries another value")
                }
            }
            // The given PrivateMessage.
            check.attempt("\(name)_priv") { check in
                guard case .privateMessage(let message) = try MLSMessage(wireBytes: priv).body else {
                    check.problems.append("\(name)_priv is not a PrivateMessage")
                    return
                }
                var tree = try freshTree()
                let content = try protection.unprotectPrivate(
                    message, secretTree: &tree, senderDataSecret: senderDataSecret, signaturePublicKey: signatureKey)
                check.expect(content.content.body == body, "\(name)_priv carries another value")
                if confirmationTag == nil { confirmationTag = content.auth.confirmationTag }
            }
            // Our PrivateMessage, through a fresh receiver.
            check.attempt("\(name) protect private") { check in
                var senderTree = try freshTree()
                var reuseGuard = [UInt8](repeating: 0, count: 4)
                var generator = SystemRandomNumberGenerator()
                for i in reuseGuard.indices { reuseGuard[i] = generator.next() }
                let message = try protection.protectPrivate(
                    content, confirmationTag: confirmationTag, signer: signer, secretTree: &senderTree, senderDataSecret: senderDataSecret,
                    paddingLength: 17, reuseGuard: reuseGuard)
                guard case .privateMessage(let reparsed) = try MLSMessage(wireBytes: MLSMessage(.privateMessage(message)).wireBytes).body else {
                    return check.problems.append("re-decode failed")
                }
                var receiverTree = try freshTree()
                let verified = try protection.unprotectPrivate(
                    reparsed, secretTree: &receiverTree, senderDataSecret: senderDataSecret, signaturePublicKey: signatureKey)
                check.expect(verified.content.body == body, "\(name): our PrivateMessage carries another value")
            }
            return check.problems
        }
    }
}
