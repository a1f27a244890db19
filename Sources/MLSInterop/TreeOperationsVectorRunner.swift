public import Foundation
import MLS
import WireFormat

/// `tree-operations.json` (FORMAT.md "Tree Operations"): the tree hash before, applying an
/// Add, Update or Remove from `proposal_sender` (RFC 9420 §12.1.1–§12.1.3), the serialized
/// tree after (trailing blanks dropped, the tree truncated after a Remove) and its tree hash.
public struct TreeOperationsVectorRunner: VectorRunner {
    public static let kind = "tree-operations"
    public init() {}

    struct Case: Decodable {
        let cipher_suite: UInt16
        let tree_before: HexBytes
        let proposal: HexBytes
        let proposal_sender: UInt32
        let tree_hash_before: HexBytes
        let tree_after: HexBytes
        let tree_hash_after: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, c) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(c.cipher_suite))"
            guard let crypto = result.crypto(forSuite: c.cipher_suite, label: label) else { continue }
            var problems: [String] = []
            defer { result.record(label, suite: c.cipher_suite, problems: problems) }
            do {
                var tree = RatchetTree(trusting: try RatchetTreeIn(wireBytes: c.tree_before.bytes), crypto: crypto)
                if tree.treeHash() != c.tree_hash_before.bytes { problems.append("tree hash before differs") }
                try tree.apply(try Proposal(wireBytes: c.proposal.bytes), sender: c.proposal_sender)
                if tree.wireValue.wireBytes != c.tree_after.bytes { problems.append("tree after differs") }
                if tree.treeHash() != c.tree_hash_after.bytes { problems.append("tree hash after differs") }
            } catch {
                problems.append("\(error)")
            }
        }
        return result
    }
}
