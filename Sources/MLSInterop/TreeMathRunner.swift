public import Foundation
import MLS

/// `tree-math.json`: node count, root, and left / right / parent / sibling of every node
/// (RFC 9420 Appendix C), where `null` means the relation does not exist (a leaf's children, the
/// root's parent and sibling) and our ``TreeMath`` must refuse it with an error.
public struct TreeMathRunner: VectorRunner {
    public static let kind = "tree-math"
    public init() {}

    struct Case: Decodable {
        let n_leaves: UInt32
        let n_nodes: UInt32
        let root: UInt32
        let left: [UInt32?]
        let right: [UInt32?]
        let parent: [UInt32?]
        let sibling: [UInt32?]
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (\(test.n_leaves) leaves)"
            guard let tree = try? TreeMath(leafCount: test.n_leaves) else {
                result.fail(label, "leaf count rejected")
                continue
            }
            var check = CaseCheck()
            check.expect(tree.nodeCount == test.n_nodes, "n_nodes \(tree.nodeCount), expected \(test.n_nodes)")
            check.expect(tree.root.value == test.root, "root \(tree.root.value), expected \(test.root)")
            let relations: [(String, [UInt32?], (NodeIndex) throws(TreeMathError) -> NodeIndex)] = [
                ("left", test.left, tree.left), ("right", test.right, tree.right),
                ("parent", test.parent, tree.parent), ("sibling", test.sibling, tree.sibling),
            ]
            for (name, expected, relation) in relations {
                check.expect(expected.count == Int(test.n_nodes), "\(name) has \(expected.count) entries")
                for (node, want) in expected.enumerated() {
                    let got = try? relation(NodeIndex(UInt32(node)))
                    if got?.value != want { check.problems.append("\(name)[\(node)] = \(String(describing: got?.value)), expected \(String(describing: want))") }
                }
            }
            result.record(label, problems: check.problems)
        }
        return result
    }
}
