import Crypto
@testable import MLS
import Testing
import WireFormat

/// The per-node tree-hash cache of ``RatchetTree`` (RFC 9420 §7.8): after every kind of change
/// (add, batch add, remove, batch remove, update, an UpdatePath created or merged, one that
/// fails and is rolled back, blanking), every node's cached hash must equal one computed from
/// scratch, and so must the parent hashes that build on the cache.
@Suite struct TreeHashCacheTests {
    /// Every node's tree hash computed with an empty cache.
    static func freshHashes(_ tree: RatchetTree) -> [[UInt8]] {
        var fresh = tree
        fresh.treeHashCache = TreeHashCache(count: tree.nodes.count, hashLength: tree.crypto.hashLength)
        return tree.nodes.indices.map { fresh.treeHash(ofNode: $0) }
    }

    /// Fills the cache the way callers do (root hash, then every node) and compares it with a
    /// fresh computation.
    static func expectCacheFresh(_ tree: inout RatchetTree, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) {
        _ = tree.treeHash()
        let cached = tree.nodes.indices.map { tree.treeHash(ofNode: $0) }
        #expect(cached == freshHashes(tree), "after \(step)", sourceLocation: sourceLocation)
        #expect(tree.treeHashCache.count == tree.nodes.count, sourceLocation: sourceLocation)
    }

    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault])
    func cacheEqualsAFreshComputationAfterEveryOperation(suite: CipherSuite) throws {
        var (tree, members) = try RatchetTreeTests.group(6, suite: suite)
        Self.expectCacheFresh(&tree, "the adds of the group")

        // UpdatePaths fill the parents; every member merges them.
        _ = try RatchetTreeTests.commit(&tree, sender: 0, members: members)
        Self.expectCacheFresh(&tree, "a created UpdatePath")
        var receiver = tree
        let created = try RatchetTreeTests.commit(&tree, sender: 4, members: members)
        Self.expectCacheFresh(&tree, "a second UpdatePath")
        _ = receiver.treeHash()
        try receiver.mergeUpdatePath(created.updatePath, from: 4)
        Self.expectCacheFresh(&receiver, "a merged UpdatePath")
        #expect(receiver == tree)
        let sameRootHash = receiver.treeHash() == tree.treeHash()
        #expect(sameRootHash)
        let parentHashesValid = tree.verifyParentHashes()
        #expect(parentHashesValid)

        // Adds under filled parents (unmerged leaves), one and several at once; growth.
        let newcomers = try (6..<11).map { try TestMember(suite: suite, number: UInt8($0)) }
        tree.add(try newcomers[0].leafNode())
        Self.expectCacheFresh(&tree, "an add")
        tree.add(try newcomers[1...].map { try $0.leafNode() })
        Self.expectCacheFresh(&tree, "a batch add that extends the tree")
        #expect(tree.leafCount == 16)
        let parentHashesValidAfterAdds = tree.verifyParentHashes()
        #expect(parentHashesValidAfterAdds)

        // An update blanks the direct path.
        try tree.update(leafAt: 1, with: try members[1].leafNode(source: .update, groupID: RatchetTreeTests.groupID, leafIndex: 1))
        Self.expectCacheFresh(&tree, "an update")

        // Removes, one and several; the second truncates the tree.
        try tree.remove(leafAt: 2)
        Self.expectCacheFresh(&tree, "a remove")
        try tree.remove(leavesAt: [6, 7, 8, 9, 10])
        Self.expectCacheFresh(&tree, "a batch remove that truncates")
        #expect(tree.leafCount == 8)

        // Blanking a direct path on its own.
        _ = try RatchetTreeTests.commit(&tree, sender: 3, members: members)
        Self.expectCacheFresh(&tree, "an UpdatePath after removes")
        tree.blankDirectPath(of: 6)
        Self.expectCacheFresh(&tree, "blanking a direct path")
    }

    @Test func failedUpdatePathsLeaveTheTreeAndItsCacheAsTheyWere() throws {
        var (tree, members) = try RatchetTreeTests.group(5)
        _ = try RatchetTreeTests.commit(&tree, sender: 2, members: members)
        var copy = tree
        let created = try RatchetTreeTests.commit(&copy, sender: 0, members: members)
        _ = tree.treeHash()
        var before = tree

        // Creating: the leaf signer fails after the path's parents were installed.
        #expect(throws: TreeKEMError.self) {
            try tree.createUpdatePath(
                from: 0, leafSecret: Secret(SymmetricKey(size: .bits256)),
                signLeaf: { (_, _) throws(MLSCryptoError) -> LeafNode in throw .invalidArgument("test") },
                groupContext: RatchetTreeTests.context)
        }
        #expect(tree == before)
        Self.expectCacheFresh(&tree, "a failed createUpdatePath")
        let rootHashRestored = tree.treeHash() == before.treeHash()
        #expect(rootHashRestored)

        // Merging: a forged leaf parent hash fails after the path's parents were set.
        var forged = created.updatePath
        forged.leafNode.source = .commit(parentHash: Array(repeating: 7, count: 32))
        #expect(throws: TreeKEMError.parentHashMismatch) { try tree.mergeUpdatePath(forged, from: 0) }
        #expect(tree == before)
        Self.expectCacheFresh(&tree, "a failed mergeUpdatePath")

        // And the genuine path still merges afterwards.
        try tree.mergeUpdatePath(created.updatePath, from: 0)
        Self.expectCacheFresh(&tree, "the merge after the failures")
        let parentHashesValidAfterMerge = tree.verifyParentHashes()
        #expect(parentHashesValidAfterMerge)
    }
}
