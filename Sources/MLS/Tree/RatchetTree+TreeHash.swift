import WireFormat

extension RatchetTree {
    /// The tree hash of the root (RFC 9420 §7.8): what the GroupContext's `tree_hash` commits to.
    ///
    /// Mutating only to fill the per-node cache: a fresh tree costs one hash per node, and
    /// after a change only the nodes on the changed paths are rehashed.
    public mutating func treeHash() -> [UInt8] {
        treeHash(ofNode: TreeArray.root(leafCount: leafCount))
    }

    /// The tree hash of node `nodeIndex` (RFC 9420 §7.8), from the cache when it is valid.
    ///
    /// Unchecked: `nodeIndex` must lie inside the tree (see ``treeHash(of:)``).
    mutating func treeHash(ofNode nodeIndex: Int) -> [UInt8] {
        if let cached = treeHashCache[nodeIndex] { return cached }
        let hash: [UInt8]
        if TreeArray.level(nodeIndex) == 0 {
            hash = leafTreeHash(nodeIndex, leaf: nodes[nodeIndex]?.leafNode)
        } else {
            let left = treeHash(ofNode: TreeArray.left(nodeIndex))
            let right = treeHash(ofNode: TreeArray.right(nodeIndex))
            hash = parentTreeHash(parent: nodes[nodeIndex]?.parentNode, leftHash: left, rightHash: right)
        }
        treeHashCache[nodeIndex] = hash
        return hash
    }

    /// `Hash(TreeHashInput)` for a leaf: `node_type = leaf`, `LeafNodeHashInput`.
    func leafTreeHash(_ nodeIndex: Int, leaf: LeafNode?) -> [UInt8] {
        var writer = WireWriter()
        writer.write(UInt8(1))
        writer.write(UInt32(nodeIndex / 2))
        writer.writeOptional(leaf)
        return crypto.hash(writer.bytes)
    }

    /// `Hash(TreeHashInput)` for a parent: `node_type = parent`, `ParentNodeHashInput`.
    func parentTreeHash(parent: ParentNode?, leftHash: [UInt8], rightHash: [UInt8]) -> [UInt8] {
        var writer = WireWriter()
        writer.write(UInt8(2))
        writer.writeOptional(parent)
        writer.writeOpaque(leftHash)
        writer.writeOpaque(rightHash)
        return crypto.hash(writer.bytes)
    }

    /// The tree hash of node `x` in the tree with the leaves `removed` blanked and removed from
    /// every `unmerged_leaves` list: the "original sibling tree hash" of RFC 9420 §7.9.
    ///
    /// Subtrees holding none of `removed` reuse the cached hashes, so the cost is
    /// O(|removed| · log n) hashes on top of the ordinary tree hash.
    ///
    /// - Parameter removed: leaf indices in increasing order (as `unmerged_leaves` are).
    mutating func treeHash(ofNode x: Int, removingLeaves removed: [UInt32]) -> [UInt8] {
        let range = TreeArray.leafRange(under: x)
        let inside = removed[sortedRange(of: removed, within: range)]
        if inside.isEmpty { return treeHash(ofNode: x) }
        if TreeArray.level(x) == 0 { return leafTreeHash(x, leaf: nil) }
        let left = treeHash(ofNode: TreeArray.left(x), removingLeaves: Array(inside))
        let right = treeHash(ofNode: TreeArray.right(x), removingLeaves: Array(inside))
        var parent = nodes[x]?.parentNode
        if parent != nil {
            let removedSet = Set(inside)
            parent?.unmergedLeaves.removeAll { removedSet.contains($0) }
        }
        return parentTreeHash(parent: parent, leftHash: left, rightHash: right)
    }
}
