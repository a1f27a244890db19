public import Foundation
import MLS
import WireFormat

/// `tree-validation.json` (FORMAT.md "Tree Validation"): for each tree, the resolution and
/// tree hash of every node, then the whole-tree validation a joiner runs (RFC 9420 §12.4.3.1):
/// parent hashes, every leaf's signature bound to `group_id`, unmerged leaves, unique keys.
///
/// Leaf lifetimes are not checked (the vectors' KeyPackage lifetimes are long past; the
/// lifetime policy is `.ignore`, as OpenMLS runs them) and credentials are accepted as they
/// are (the vectors' basic credentials are arbitrary bytes, not Letterlock identities).
/// Suites without an implementation (4 and 6) are counted as skipped.
public struct TreeValidationVectorRunner: VectorRunner {
    public static let kind = "tree-validation"
    public init() {}

    struct Case: Decodable {
        let cipher_suite: UInt16
        let tree: HexBytes
        let group_id: HexBytes
        let resolutions: [[Int]]
        let tree_hashes: [HexBytes]
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, c) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(c.cipher_suite))"
            guard let crypto = result.crypto(forSuite: c.cipher_suite, label: label) else { continue }
            var problems: [String] = []
            defer { result.record(label, suite: c.cipher_suite, problems: problems) }
            let wire: RatchetTreeIn
            do {
                wire = try RatchetTreeIn(wireBytes: c.tree.bytes)
            } catch {
                problems.append("tree does not decode: \(error)")
                continue
            }
            var tree = RatchetTree(trusting: wire, crypto: crypto)
            let width = 2 * tree.leafCount - 1
            if c.resolutions.count != width { problems.append("\(c.resolutions.count) resolutions for \(width) nodes") }
            if c.tree_hashes.count != width { problems.append("\(c.tree_hashes.count) tree hashes for \(width) nodes") }
            for node in 0..<min(width, c.resolutions.count) where (try? tree.resolution(of: node)) != c.resolutions[node] {
                problems.append("resolution of node \(node) differs")
            }
            for node in 0..<min(width, c.tree_hashes.count) where (try? tree.treeHash(of: node)) != c.tree_hashes[node].bytes {
                problems.append("tree hash of node \(node) differs")
            }
            if !tree.verifyParentHashes() { problems.append("parent hashes do not verify") }
            let validator = LeafNodeValidator(crypto: crypto, credentialValidator: AcceptAllCredentialsValidator(), lifetimePolicy: .ignore)
            do {
                _ = try RatchetTree(
                    validating: wire,
                    crypto: crypto,
                    groupID: c.group_id.bytes,
                    expectedTreeHash: tree.treeHash(),
                    groupContextExtensions: [],
                    leafValidator: validator
                )
            } catch {
                problems.append("validation failed: \(error)")
            }
        }
        return result
    }
}
