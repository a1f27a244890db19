import WireFormat

extension RatchetTree {
    /// The resolution of node `nodeIndex` (RFC 9420 §4.1.1): the non-blank nodes that together
    /// cover every non-blank node below it, in left-to-right order, each non-blank node followed
    /// by its unmerged leaves (as node indices).
    ///
    /// Unchecked: `nodeIndex` must lie inside the tree (see ``resolution(of:excludingLeaves:)``).
    ///
    /// - Parameter excludingLeaves: leaf indices to leave out (new members added in the same
    ///   Commit are excluded from the resolutions an UpdatePath encrypts to, RFC 9420 §7.6).
    func resolution(ofNode nodeIndex: Int, excludingLeaves excluded: Set<UInt32> = []) -> [Int] {
        var result: [Int] = []
        appendResolution(of: nodeIndex, excluded: excluded, into: &result)
        return result
    }

    private func appendResolution(of x: Int, excluded: Set<UInt32>, into result: inout [Int]) {
        switch nodes[x] {
        case .leaf:
            if !excluded.contains(UInt32(x / 2)) { result.append(x) }
        case .parent(let parent):
            result.append(x)
            for leaf in parent.unmergedLeaves where !excluded.contains(leaf) {
                result.append(Int(leaf) * 2)
            }
        case nil:
            if TreeArray.level(x) == 0 { return }
            appendResolution(of: TreeArray.left(x), excluded: excluded, into: &result)
            appendResolution(of: TreeArray.right(x), excluded: excluded, into: &result)
        }
    }

    /// The filtered direct path of leaf `leafIndex` (RFC 9420 §4.1.2), leaf to root, as node
    /// indices: the direct path without the nodes whose copath child has an empty resolution.
    ///
    /// Unchecked: `leafIndex` must lie inside the tree (see ``filteredDirectPath(of:excludingLeaves:)``).
    func filteredDirectPath(ofLeaf leafIndex: UInt32, excludingLeaves excluded: Set<UInt32> = []) -> [Int] {
        var path: [Int] = []
        var child = Int(leafIndex) * 2
        let root = TreeArray.root(leafCount: leafCount)
        while child != root {
            let parent = TreeArray.parent(of: child, leafCount: leafCount)
            let copathChild = TreeArray.sibling(of: child, leafCount: leafCount)
            if !resolutionIsEmpty(copathChild, excluded: excluded) { path.append(parent) }
            child = parent
        }
        return path
    }

    /// Whether the resolution of `x` is empty, without building it.
    func resolutionIsEmpty(_ x: Int, excluded: Set<UInt32> = []) -> Bool {
        switch nodes[x] {
        case .leaf: return excluded.contains(UInt32(x / 2))
        case .parent: return false
        case nil:
            if TreeArray.level(x) == 0 { return true }
            return resolutionIsEmpty(TreeArray.left(x), excluded: excluded) && resolutionIsEmpty(TreeArray.right(x), excluded: excluded)
        }
    }
}
