import MLS
import Testing

@Suite struct TreeMathTests {
    @Test(arguments: [0, 3, 5, 6, 7, 12, (1 << 31) + 1, UInt32.max] as [UInt32])
    func rejectsLeafCountsThatAreNotPowersOfTwo(count: UInt32) {
        #expect(throws: TreeMathError.invalidLeafCount) { try TreeMath(leafCount: count) }
    }

    @Test func holdingLeavesRoundsUp() throws {
        #expect(try TreeMath(holdingLeaves: 0).leafCount == 1)
        #expect(try TreeMath(holdingLeaves: 5).leafCount == 8)
        #expect(try TreeMath(holdingLeaves: 1 << 31).leafCount == 1 << 31)
        #expect(throws: TreeMathError.invalidLeafCount) { try TreeMath(holdingLeaves: (1 << 31) + 1) }
    }

    @Test func invalidRelationsThrow() throws {
        let tree = try TreeMath(leafCount: 8)
        #expect(throws: TreeMathError.leafHasNoChildren) { try tree.left(NodeIndex(4)) }
        #expect(throws: TreeMathError.leafHasNoChildren) { try tree.right(NodeIndex(14)) }
        #expect(throws: TreeMathError.rootHasNoParent) { try tree.parent(tree.root) }
        #expect(throws: TreeMathError.rootHasNoParent) { try tree.sibling(tree.root) }
        #expect(throws: TreeMathError.nodeOutOfRange) { try tree.parent(NodeIndex(15)) }
        #expect(throws: TreeMathError.nodeOutOfRange) { try tree.directPath(NodeIndex(UInt32.max)) }
        #expect(throws: TreeMathError.nodeOutOfRange) { try tree.left(NodeIndex(UInt32.max)) }
    }

    /// The eight-leaf tree of RFC 9420 Appendix C.
    @Test func directPathAndCopath() throws {
        let tree = try TreeMath(leafCount: 8)
        #expect(try tree.directPath(NodeIndex(4)).map(\.value) == [5, 3, 7])
        #expect(try tree.copath(NodeIndex(4)).map(\.value) == [6, 1, 11])
        #expect(try tree.directPath(tree.root) == [])
        #expect(try tree.copath(tree.root) == [])
        #expect(try tree.commonAncestor(NodeIndex(0), NodeIndex(6)).value == 3)
        #expect(try tree.commonAncestor(NodeIndex(4), NodeIndex(14)).value == 7)
        #expect(try tree.commonAncestor(NodeIndex(5), NodeIndex(4)).value == 5)
        #expect(try tree.commonAncestor(NodeIndex(8), NodeIndex(8)).value == 8)
        #expect(try tree.leaves(under: NodeIndex(11)) == LeafIndex(4)...LeafIndex(7))
        #expect(try tree.leaves(under: NodeIndex(6)) == LeafIndex(3)...LeafIndex(3))
    }

    /// The largest tree: indices near 2^32 must not overflow.
    @Test func largestTreeDoesNotOverflow() throws {
        let tree = try TreeMath(leafCount: 1 << 31)
        #expect(tree.nodeCount == UInt32.max)
        let lastLeaf = NodeIndex(UInt32.max - 1)
        let path = try tree.directPath(lastLeaf)
        #expect(path.count == 31)
        #expect(path.last == tree.root)
        #expect(try tree.copath(lastLeaf).count == 31)
        #expect(try tree.commonAncestor(NodeIndex(0), lastLeaf) == tree.root)
        #expect(try tree.right(tree.root).value == tree.root.value + (1 << 30))
    }

    /// Parent/child consistency over every node of small trees, against the definitions.
    @Test(arguments: [1, 2, 4, 8, 16, 64] as [UInt32])
    func relationsAreConsistent(leaves: UInt32) throws {
        let tree = try TreeMath(leafCount: leaves)
        for value in 0..<tree.nodeCount {
            let node = NodeIndex(value)
            if !node.isLeaf {
                #expect(try tree.parent(tree.left(node)) == node)
                #expect(try tree.parent(tree.right(node)) == node)
            }
            if node != tree.root {
                #expect(try tree.sibling(tree.sibling(node)) == node)
                #expect(try tree.directPath(node).count == tree.copath(node).count)
            }
        }
    }
}
