public import Foundation
import Crypto
import MLS
import WireFormat

/// `treekem.json` (FORMAT.md "TreeKEM"): private states built from the leaves' keys and path
/// secrets must match the tree; each recorded UpdatePath must merge (parent-hash valid), give
/// every other member the recorded path secret and commit secret, and leave the recorded tree
/// hash; and an UpdatePath we create from the same sender must give every other member our
/// commit secret (RFC 9420 §7.4–§7.6). Suites 4 and 6 are counted as skipped.
public struct TreeKEMVectorRunner: VectorRunner {
    public static let kind = "treekem"
    public init() {}

    struct PathSecret: Decodable {
        let node: Int
        let path_secret: HexBytes
    }

    struct LeafPrivate: Decodable {
        let index: UInt32
        let encryption_priv: HexBytes
        let signature_priv: HexBytes
        let path_secrets: [PathSecret]
    }

    struct UpdatePathCase: Decodable {
        let sender: UInt32
        let update_path: HexBytes
        let path_secrets: [HexBytes?]
        let commit_secret: HexBytes
        let tree_hash_after: HexBytes
    }

    struct Case: Decodable {
        let cipher_suite: UInt16
        let group_id: HexBytes
        let epoch: UInt64
        let confirmed_transcript_hash: HexBytes
        let ratchet_tree: HexBytes
        let leaves_private: [LeafPrivate]
        let update_paths: [UpdatePathCase]
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, c) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(c.cipher_suite))"
            guard let crypto = result.crypto(forSuite: c.cipher_suite, label: label) else { continue }
            result.record(label, suite: c.cipher_suite, problems: Self.check(c, crypto: crypto))
        }
        return result
    }

    /// The encoded GroupContext of the case for `treeHash` (empty extensions).
    static func groupContext(_ c: Case, treeHash: [UInt8]) -> [UInt8] {
        GroupContext(
            cipherSuite: CipherSuite(rawValue: c.cipher_suite), groupID: c.group_id.bytes, epoch: c.epoch,
            treeHash: treeHash, confirmedTranscriptHash: c.confirmed_transcript_hash.bytes
        ).wireBytes
    }

    static func check(_ c: Case, crypto: CryptoSuite) -> [String] {
        var problems: [String] = []
        let tree: RatchetTree
        do {
            tree = RatchetTree(trusting: try RatchetTreeIn(wireBytes: c.ratchet_tree.bytes), crypto: crypto)
        } catch {
            return ["ratchet_tree does not decode: \(error)"]
        }

        // Private states.
        var states: [UInt32: TreeKEMPrivateState] = [:]
        var signers: [UInt32: SignaturePrivateKey] = [:]
        for leaf in c.leaves_private {
            do {
                var state = TreeKEMPrivateState(
                    leafIndex: leaf.index, leafKey: try HPKEPrivateKey(kem: crypto.kem, serialized: leaf.encryption_priv.bytes))
                for secret in leaf.path_secrets {
                    try state.setPathSecret(Secret(bytes: secret.path_secret.bytes), forNode: secret.node, crypto: crypto)
                }
                if !state.isConsistent(with: tree) { problems.append("leaf \(leaf.index): private state does not match the tree") }
                states[leaf.index] = state
                signers[leaf.index] = try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: leaf.signature_priv.bytes)
            } catch {
                problems.append("leaf \(leaf.index): \(error)")
            }
        }

        for (p, entry) in c.update_paths.enumerated() {
            let sender = entry.sender
            // The recorded UpdatePath.
            do {
                let path = try UpdatePath(wireBytes: entry.update_path.bytes)
                var merged = tree
                try merged.mergeUpdatePath(path, from: sender)
                let treeHash = merged.treeHash()
                if treeHash != entry.tree_hash_after.bytes { problems.append("path \(p): tree hash after differs") }
                let context = groupContext(c, treeHash: treeHash)
                for (j, state) in states.sorted(by: { $0.key < $1.key }) where j != sender {
                    let decrypted = try merged.decryptPathSecret(of: path, from: sender, privateState: state, groupContext: context)
                    let expected = Int(j) < entry.path_secrets.count ? entry.path_secrets[Int(j)]?.bytes : nil
                    if decrypted.pathSecret.exportedBytes != expected { problems.append("path \(p), leaf \(j): path secret differs") }
                    if decrypted.commitSecret.exportedBytes != entry.commit_secret.bytes {
                        problems.append("path \(p), leaf \(j): commit secret differs")
                    }
                    if !decrypted.privateState.isConsistent(with: merged) { problems.append("path \(p), leaf \(j): new private state inconsistent") }
                }
            } catch {
                problems.append("path \(p) (recorded): \(error)")
            }

            // A fresh UpdatePath from the same sender.
            do {
                guard let signer = signers[sender], let oldLeaf = tree.leaf(at: sender) else {
                    problems.append("path \(p): no private key for sender \(sender)")
                    continue
                }
                var created = tree
                let result = try created.createUpdatePath(
                    from: sender,
                    leafSecret: Secret(SymmetricKey(size: .init(bitCount: crypto.hashLength * 8))),
                    signLeaf: { (parentHash, encryptionKey) throws(MLSCryptoError) -> LeafNode in
                        var leaf = oldLeaf
                        leaf.encryptionKey = encryptionKey
                        leaf.source = .commit(parentHash: parentHash)
                        leaf.signature = try crypto.signWithLabel(
                            privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: c.group_id.bytes, leafIndex: sender))
                        return leaf
                    },
                    groupContext: { groupContext(c, treeHash: $0) }
                )
                let path = try UpdatePath(wireBytes: result.updatePath.wireBytes)
                var merged = tree
                try merged.mergeUpdatePath(path, from: sender)
                let treeHash = merged.treeHash()
                if treeHash != created.treeHash() { problems.append("path \(p) (created): merged tree differs from the creator's") }
                let context = groupContext(c, treeHash: treeHash)
                for (j, state) in states.sorted(by: { $0.key < $1.key }) where j != sender {
                    let decrypted = try merged.decryptPathSecret(of: path, from: sender, privateState: state, groupContext: context)
                    if decrypted.commitSecret != result.commitSecret { problems.append("path \(p) (created), leaf \(j): commit secret differs") }
                }
            } catch {
                problems.append("path \(p) (created): \(error)")
            }
        }
        return problems
    }
}
