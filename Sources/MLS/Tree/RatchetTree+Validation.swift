import Dispatch
import Foundation
import WireFormat

extension RatchetTree {
    /// Validates a received tree as a joiner must (RFC 9420 §12.4.3.1) and returns it:
    ///
    /// - the root tree hash equals `expectedTreeHash` (the GroupContext's `tree_hash`);
    /// - every non-blank parent node is parent-hash valid (RFC 9420 §7.9.2);
    /// - every non-blank leaf passes `leafValidator` (RFC 9420 §7.3) against the group's
    ///   requirements, with its signature bound to `groupID` and its leaf index;
    /// - every unmerged leaf is a non-blank leaf below its parent, listed at each non-blank
    ///   node in between;
    /// - no HPKE encryption key appears twice, and no signature key appears twice.
    ///
    /// Cost is O(n log n) in the number of leaves and one signature verification per leaf. A tree
    /// of more than `maximumLeafCount` leaves is refused before any of that work (review M5).
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
        guard candidate.treeHash() == expectedTreeHash else { throw .treeHashMismatch }
        try candidate.validateStructure()
        guard candidate.verifyParentHashes() else { throw .parentHashInvalid }
        try candidate.validateLeaves(groupID: groupID, groupContextExtensions: groupContextExtensions, validator: leafValidator)
        self = candidate
    }

    /// Unmerged-leaf lists and key uniqueness (the structural checks of RFC 9420 §12.4.3.1).
    func validateStructure() throws(TreeError) {
        var encryptionKeys = Set<[UInt8]>()
        var signatureKeys = Set<[UInt8]>()
        for (x, node) in nodes.enumerated() {
            guard let node else { continue }
            guard encryptionKeys.insert(node.encryptionKey).inserted else { throw .duplicateEncryptionKey }
            switch node {
            case .leaf(let leaf):
                guard signatureKeys.insert(leaf.signatureKey).inserted else { throw .duplicateSignatureKey }
            case .parent(let parent):
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

    /// Validates every non-blank leaf (RFC 9420 §7.3) in the context of this tree.
    ///
    /// Signature verification dominates joining a large group (one verification per member), so
    /// large trees are checked in parallel chunks; the error reported is the one of the leftmost
    /// invalid leaf, as a sequential check would report.
    func validateLeaves(groupID: [UInt8], groupContextExtensions: [Extension], validator: LeafNodeValidator) throws(TreeError) {
        let leaves: [(index: UInt32, leaf: LeafNode)] = stride(from: 0, to: nodes.count, by: 2).compactMap { x in
            nodes[x]?.leafNode.map { (UInt32(x / 2), $0) }
        }
        let requirements: GroupRequirements
        do {
            requirements = try GroupRequirements(groupContextExtensions: groupContextExtensions, leaves: leaves.lazy.map(\.leaf))
        } catch {
            throw .invalidLeaf(.requiredCapabilities)
        }
        let check: @Sendable (Range<Int>) -> LeafNodeValidationError? = { range in
            for i in range {
                do throws(LeafNodeValidationError) {
                    try validator.validate(leaves[i].leaf, in: .tree(groupID: groupID, leafIndex: leaves[i].index), requirements: requirements)
                } catch {
                    return error
                }
            }
            return nil
        }
        let chunkSize = 256
        let chunks = (leaves.count + chunkSize - 1) / chunkSize
        if chunks <= 1 {
            if let error = check(0..<leaves.count) { throw .invalidLeaf(error) }
            return
        }
        let results = ChunkResults(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            results.set(chunk, check(chunk * chunkSize..<min(leaves.count, (chunk + 1) * chunkSize)))
        }
        if let error = results.firstError { throw .invalidLeaf(error) }
    }
}

/// Per-chunk outcomes of a parallel validation, each slot written by exactly one worker.
private final class ChunkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [LeafNodeValidationError?]

    init(count: Int) {
        errors = Array(repeating: nil, count: count)
    }

    func set(_ chunk: Int, _ error: LeafNodeValidationError?) {
        lock.lock()
        errors[chunk] = error
        lock.unlock()
    }

    var firstError: LeafNodeValidationError? {
        lock.lock()
        defer { lock.unlock() }
        return errors.lazy.compactMap { $0 }.first
    }
}
