import MLS
import Testing
import WireFormat

/// A tree whose parents carry long `unmerged_leaves` lists: the shape a large Add leaves
/// behind, where linear scans per entry made adding and joining quadratic (review H3). No
/// timing assertion: the test checks the lists and that the tree validates end to end.
@Suite struct UnmergedLeavesScaleTests {
    @Test func longUnmergedListsStaySortedAndValidate() throws {
        let leafCount = 2_048
        let members = try (0..<leafCount).map { try TestMember(number: UInt8(truncatingIfNeeded: $0)) }
        var tree = RatchetTree(crypto: members[0].crypto, creator: try members[0].leafNode())
        tree.add(try members.dropFirst().map { try $0.leafNode() })
        // Blank every odd leaf, then commit from leaf 0: the parents on its path are set over
        // the blank leaves.
        for leaf in stride(from: 1, to: leafCount, by: 2) { try tree.remove(leafAt: UInt32(leaf)) }
        #expect(tree.leafCount == leafCount)
        _ = try RatchetTreeTests.commit(&tree, sender: 0, members: members)

        // One Add of 1,024 members refills the odd leaves; each becomes unmerged at every
        // non-blank parent above it.
        let newcomers = try (0..<leafCount / 2).map { try TestMember(number: UInt8(truncatingIfNeeded: $0)) }
        let added = tree.add(try newcomers.map { try $0.leafNode() })
        #expect(added == stride(from: 1, to: leafCount, by: 2).map { UInt32($0) })

        var longest = 0
        for x in stride(from: 1, to: tree.nodes.count, by: 2) {
            guard let parent = tree.parent(atNode: x) else { continue }
            let range = (x >> (x.trailingOneBits + 1)) << x.trailingOneBits..<((x >> (x.trailingOneBits + 1)) + 1) << x.trailingOneBits
            let expected = range.filter { $0 % 2 == 1 }.map { UInt32($0) }
            #expect(parent.unmergedLeaves == expected, "node \(x)")
            longest = max(longest, parent.unmergedLeaves.count)
        }
        #expect(longest == leafCount / 2)  // the root lists every refilled leaf

        // A joiner's full check: tree hash, parent hashes (original sibling hashes with the
        // unmerged leaves removed), unmerged-leaf rules, every leaf.
        var hashed = tree
        let joined = try RatchetTree(
            validating: tree.wireValue, crypto: tree.crypto, groupID: RatchetTreeTests.groupID, expectedTreeHash: hashed.treeHash(),
            groupContextExtensions: [], leafValidator: RatchetTreeTests.validator(tree.crypto))
        #expect(joined == tree)

        // Dropping one entry (leaf 1,401) from the root's list changes the original sibling tree
        // hash its left child's parent hash was computed over: the link breaks.
        var nodes = tree.wireValue.nodes
        let root = leafCount - 1
        guard case .parent(var rootNode) = nodes[root] else {
            Issue.record("the root is blank")
            return
        }
        rootNode.unmergedLeaves.remove(at: 700)
        nodes[root] = .parent(rootNode)
        var forged = RatchetTree(trusting: try #require(RatchetTreeIn(nodes: nodes)), crypto: tree.crypto)
        #expect(throws: TreeError.parentHashInvalid) {
            try RatchetTree(
                validating: forged.wireValue, crypto: forged.crypto, groupID: RatchetTreeTests.groupID, expectedTreeHash: forged.treeHash(),
                groupContextExtensions: [], leafValidator: RatchetTreeTests.validator(forged.crypto))
        }
    }
}

extension Int {
    fileprivate var trailingOneBits: Int { (~self).trailingZeroBitCount }
}
