import Crypto
import MLS
import Testing
import WireFormat

/// Review L1 (a failed createUpdatePath leaves the tree unchanged), L4 (truncation after
/// removals) and L6 (oversized PrivateMessage input is a typed error, not a trap).
@Suite struct TreeMutationAtomicityTests {
    @Test func aFailedUpdatePathLeavesTheTreeUnchanged() throws {
        var (tree, _) = try RatchetTreeTests.group(5)
        let before = tree
        #expect(throws: TreeKEMError.crypto(.invalidPrivateKey)) {
            try tree.createUpdatePath(
                from: 2, leafSecret: Secret(SymmetricKey(size: .bits256)),
                signLeaf: { (_, _) throws(MLSCryptoError) -> LeafNode in throw .invalidPrivateKey },
                groupContext: RatchetTreeTests.context)
        }
        #expect(tree == before)
    }

    /// Removing leaves one by one or all at once truncates to the same tree as the RFC's rule
    /// (halve while the right half is blank).
    @Test(arguments: [[7], [6, 7], [5, 6, 7], [4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7], [0, 7], [3, 5, 6, 7]] as [[UInt32]])
    func removalsTruncateAsTheRFCSays(removed: [UInt32]) throws {
        let (full, _) = try RatchetTreeTests.group(8)
        var oneByOne = full
        for leaf in removed { try oneByOne.remove(leafAt: leaf) }
        var batch = full
        try batch.remove(leavesAt: removed)
        #expect(batch == oneByOne)
        let remaining = (0..<UInt32(8)).filter { !removed.contains($0) }
        #expect(batch.occupiedLeaves == remaining)
        // The smallest power of two holding the last remaining leaf (1 leaf when none remains).
        var expected = 1
        while let last = remaining.last, expected <= Int(last) { expected *= 2 }
        #expect(batch.leafCount == expected)
        // A blank leaf in the batch fails without changing anything.
        var failing = full
        #expect(throws: TreeError.blankLeaf) { try failing.remove(leavesAt: removed + [removed[0]]) }
        #expect(failing == full)
    }

    @Test func oversizedPrivateMessageInputIsRejected() throws {
        let f = try MessageProtectionTests.Fixture()
        var tree = try f.tree()
        let content = f.content(.application([1]))
        #expect(throws: MessageProtectionError.invalidArgument) {
            try f.protection.protectPrivate(
                content, signer: f.signer, secretTree: &tree, senderDataSecret: f.senderDataSecret, paddingLength: 1 << 30, reuseGuard: [0, 0, 0, 0])
        }
        #expect(throws: MessageProtectionError.invalidArgument) {
            try f.protection.protectPrivate(
                content, signer: f.signer, secretTree: &tree, senderDataSecret: f.senderDataSecret, paddingLength: Int.max, reuseGuard: [0, 0, 0, 0])
        }
        // Still usable afterwards: no key was consumed.
        _ = try f.protection.protectPrivate(content, signer: f.signer, secretTree: &tree, senderDataSecret: f.senderDataSecret, reuseGuard: [0, 0, 0, 0])
    }
}
