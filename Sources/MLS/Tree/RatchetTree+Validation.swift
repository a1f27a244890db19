import WireFormat

extension RatchetTree {
    /// Validates a received tree as a joiner must (RFC 9420 §12.4.3.1) and returns it:
    ///
    /// - the root tree hash equals `expectedTreeHash` (the GroupContext's `tree_hash`);
    /// - every unmerged leaf is a non-blank leaf below its parent, listed at each non-blank
    ///   node in between;
    /// - no HPKE encryption key appears twice, and no signature key appears twice;
    /// - every non-blank parent node is parent-hash valid (RFC 9420 §7.9.2);
    /// - every non-blank leaf passes `leafValidator` (RFC 9420 §7.3) against the group's
    ///   requirements, with its signature bound to `groupID` and its leaf index.
    ///
    /// Every check runs on every call: nothing is cached across trees. The error thrown is the
    /// one the list above gives in order: the first failing whole-tree check, else the error of
    /// the invalid leaf with the lowest index.
    ///
    /// Cost is O(n log n) in the number of leaves and one signature verification per leaf. A tree
    /// of more than `maximumLeafCount` leaves is refused before any of that work (review M5). The
    /// verifications dominate (about 0.7 s of CPU for 10,000 Ed25519 leaves), so a large tree's
    /// leaves are checked in parallel chunks across the cores while one more worker runs the
    /// whole-tree checks beside them (``ParallelTreeValidation``).
    public init(
        validating tree: RatchetTreeIn,
        crypto: CryptoSuite,
        groupID: [UInt8],
        expectedTreeHash: [UInt8],
        groupContextExtensions: [Extension],
        leafValidator: LeafNodeValidator,
        maximumLeafCount: Int = RatchetTreeIn.defaultMaximumLeafCount
    ) throws(TreeError) {
        guard (tree.nodes.count + 1) / 2 <= maximumLeafCount else { throw .tooManyLeaves }
        guard RatchetTreeIn.hasValidShape(tree.nodes) else { throw .shape }
        var candidate = RatchetTree(trusting: tree, crypto: crypto)
        let nodes = candidate.nodes
        let leafNodeIndices = stride(from: 0, to: nodes.count, by: 2).filter { nodes[$0] != nil }
        // Summarised once so that each leaf's check is O(1) in the group size. A malformed
        // `required_capabilities` extension fails the leaf checks, after the whole-tree ones.
        let requirements = try? GroupRequirements(
            groupContextExtensions: groupContextExtensions, leaves: leafNodeIndices.lazy.compactMap { nodes[$0]?.leafNode })
        let checkLeaves: @Sendable (Range<Int>) -> LeafNodeValidationError? = { range in
            guard let requirements else { return .requiredCapabilities }
            for i in range {
                let x = leafNodeIndices[i]
                guard case .leaf(let leaf) = nodes[x] else { continue }  // non-blank by construction
                do throws(LeafNodeValidationError) {
                    try leafValidator.validate(leaf, in: .tree(groupID: groupID, leafIndex: UInt32(x / 2)), requirements: requirements)
                } catch {
                    return error
                }
            }
            return nil
        }

        if leafNodeIndices.count <= Self.leafValidationChunkSize {
            try candidate.validateWholeTree(expectedTreeHash: expectedTreeHash)
            if let error = checkLeaves(0..<leafNodeIndices.count) { throw .invalidLeaf(error) }
        } else {
            candidate = try ParallelTreeValidation.run(
                tree: candidate, leafCount: leafNodeIndices.count, chunkSize: Self.leafValidationChunkSize,
                wholeTree: { tree throws(TreeError) in try tree.validateWholeTree(expectedTreeHash: expectedTreeHash) },
                leaves: checkLeaves)
        }
        self = candidate
    }

    /// Leaves per work item of the parallel leaf checks: 64 Ed25519 verifications are a few
    /// milliseconds, small enough to keep the cores evenly loaded to the end.
    static let leafValidationChunkSize = 64

    /// The checks of §12.4.3.1 that need the whole tree, in the order they are reported: the
    /// tree hash, the unmerged-leaf lists and key uniqueness, then the parent hashes (which reuse
    /// the subtree hashes the first check cached).
    mutating func validateWholeTree(expectedTreeHash: [UInt8]) throws(TreeError) {
        guard treeHash() == expectedTreeHash else { throw .treeHashMismatch }
        try validateStructure()
        guard verifyParentHashes() else { throw .parentHashInvalid }
    }

    /// Unmerged-leaf lists and key uniqueness (the structural checks of RFC 9420 §12.4.3.1).
    /// O(n) key hashes (each one pass over the key's bytes, see ``KeyBytes``) and O(log n) per
    /// unmerged-leaf entry.
    func validateStructure() throws(TreeError) {
        var encryptionKeys = Set<KeyBytes>(minimumCapacity: leafCount)
        var signatureKeys = Set<KeyBytes>(minimumCapacity: leafCount)
        for x in nodes.indices {
            switch nodes[x] {
            case nil:
                continue
            case .leaf(let leaf):
                guard encryptionKeys.insert(KeyBytes(leaf.encryptionKey)).inserted else { throw .duplicateEncryptionKey }
                guard signatureKeys.insert(KeyBytes(leaf.signatureKey)).inserted else { throw .duplicateSignatureKey }
            case .parent(let parent):
                guard encryptionKeys.insert(KeyBytes(parent.encryptionKey)).inserted else { throw .duplicateEncryptionKey }
                for leaf in parent.unmergedLeaves {
                    let leafNode = Int(leaf) * 2
                    guard leafNode < nodes.count, nodes[leafNode] != nil, TreeArray.isInSubtree(leafNode, of: x) else {
                        throw .unmergedLeafInvalid
                    }
                    // Every non-blank node strictly between the leaf and this parent lists it too.
                    var y = TreeArray.parent(of: leafNode, leafCount: leafCount)
                    while y != x {
                        if case .parent(let between) = nodes[y], !sortedContains(between.unmergedLeaves, leaf) {
                            throw .unmergedLeafInvalid
                        }
                        y = TreeArray.parent(of: y, leafCount: leafCount)
                    }
                }
            }
        }
    }
}
