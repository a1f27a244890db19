import WireFormat

extension RatchetTree {
    /// The parent hash of parent node `parentIndex` with copath child `siblingIndex`
    /// (RFC 9420 §7.9): `Hash(ParentHashInput)` over the node's key, its own `parent_hash`
    /// and the original tree hash of the sibling (the sibling's subtree without the leaves
    /// the parent lists as unmerged).
    mutating func parentHash(ofParent parentIndex: Int, parent: ParentNode, sibling siblingIndex: Int) -> [UInt8] {
        let originalSiblingTreeHash = treeHash(ofNode: siblingIndex, removingLeaves: parent.unmergedLeaves)
        var writer = WireWriter()
        writer.writeOpaque(parent.encryptionKey)
        writer.writeOpaque(parent.parentHash)
        writer.writeOpaque(originalSiblingTreeHash)
        return crypto.hash(writer.bytes)
    }

    /// Whether every non-blank parent node is parent-hash valid (RFC 9420 §7.9.2), checked
    /// "top down": each non-blank parent P must have exactly one descendant D, in the resolution
    /// of one child C, such that the rest of C's resolution is exactly P's unmerged leaves under
    /// C and D's `parent_hash` is the parent hash of P with the other child as sibling.
    ///
    /// Cost: one resolution walk per parent child (O(n log n) in all) and one parent hash per
    /// candidate link, each reusing cached subtree hashes.
    public mutating func verifyParentHashes() -> Bool {
        for p in stride(from: 1, to: nodes.count, by: 2) {
            guard let parent = nodes[p]?.parentNode else { continue }
            var links = 0
            for (c, s) in [(TreeArray.left(p), TreeArray.right(p)), (TreeArray.right(p), TreeArray.left(p))] {
                guard let d = linkCandidate(parent: parent, child: c), let dHash = storedParentHash(ofNode: d) else { continue }
                if dHash == parentHash(ofParent: p, parent: parent, sibling: s) { links += 1 }
            }
            if links != 1 { return false }
        }
        return true
    }

    /// The node D of the resolution of `child` that could link to `parent`: the single member of
    /// the resolution that is not one of `parent`'s unmerged leaves, provided that the rest of
    /// the resolution is exactly those unmerged leaves that lie under `child`.
    private func linkCandidate(parent: ParentNode, child: Int) -> Int? {
        let resolution = resolution(ofNode: child)
        let range = TreeArray.leafRange(under: child)
        let unmergedUnderChild = parent.unmergedLeaves[sortedRange(of: parent.unmergedLeaves, within: range)]
        guard resolution.count == unmergedUnderChild.count + 1 else { return nil }
        // As sets: resolution = {D} ∪ unmerged leaves under the child (no duplicates in either).
        let others = resolution.filter { $0 & 1 == 1 || !sortedContains(parent.unmergedLeaves, UInt32($0 / 2)) }
        guard others.count == 1, Set(resolution).count == resolution.count else { return nil }
        return others[0]
    }

    /// The `parent_hash` a node carries: a parent's field, or a `commit` leaf's; nil otherwise.
    private func storedParentHash(ofNode x: Int) -> [UInt8]? {
        switch nodes[x] {
        case .parent(let parent): parent.parentHash
        case .leaf(let leaf): leaf.parentHash
        case nil: nil
        }
    }
}
