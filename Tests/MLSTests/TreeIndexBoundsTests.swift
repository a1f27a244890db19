import MLS
import Testing
import WireFormat

/// Indices from outside the tree get typed errors, never an out-of-bounds trap (review M1).
@Suite struct TreeIndexBoundsTests {
    /// A Commit's sender index is attacker-chosen: decrypting its path from a sender outside the
    /// tree used to index past the node array.
    @Test func decryptingAPathFromASenderOutsideTheTreeThrows() throws {
        var (tree, members) = try RatchetTreeTests.group(4)
        let before = tree
        let created = try RatchetTreeTests.commit(&tree, sender: 2, members: members)
        var receiver = before
        try receiver.mergeUpdatePath(created.updatePath, from: 2)
        let state = TreeKEMPrivateState(leafIndex: 0, leafKey: members[0].encryptionKey)
        let context = RatchetTreeTests.context(receiver.treeHash())
        for sender: UInt32 in [4, 100, UInt32.max] {
            #expect(throws: TreeKEMError.senderBlank) {
                try receiver.decryptPathSecret(of: created.updatePath, from: sender, privateState: state, groupContext: context)
            }
        }
        // The in-range sender still decrypts.
        let decrypted = try receiver.decryptPathSecret(of: created.updatePath, from: 2, privateState: state, groupContext: context)
        #expect(decrypted.commitSecret == created.commitSecret)
    }

    @Test func publicIndexFunctionsCheckTheirRange() throws {
        var (tree, _) = try RatchetTreeTests.group(3)
        #expect(tree.leafCount == 4)
        for node in [-1, 7, 202, Int.max] {
            #expect(throws: TreeError.nodeOutOfRange) { try tree.resolution(of: node) }
            #expect(throws: TreeError.nodeOutOfRange) { try tree.treeHash(of: node) }
        }
        for leaf: UInt32 in [4, 100, UInt32.max] {
            #expect(throws: TreeError.leafOutOfRange) { try tree.filteredDirectPath(of: leaf) }
        }
        // In range, the checked forms answer as the RFC defines them.
        // Three leaves, every parent blank: the root's resolution is the three leaves.
        #expect(try tree.resolution(of: 3) == [0, 2, 4])
        #expect(try tree.treeHash(of: 3) == tree.treeHash())
        #expect(try tree.filteredDirectPath(of: 0) == [1, 3])
    }
}
