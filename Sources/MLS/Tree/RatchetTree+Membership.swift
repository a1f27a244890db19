import WireFormat

extension RatchetTree {
    /// Adds `leaf` at the leftmost blank leaf, extending the tree to the right when there is
    /// none, and lists it as unmerged at every non-blank parent above it (RFC 9420 §12.1.1).
    ///
    /// - Returns: the new member's leaf index.
    @discardableResult
    public mutating func add(_ leaf: LeafNode) -> UInt32 {
        add(leaf, searchingFrom: 0)
    }

    /// Adds `leaves` in order, as the Adds of one Commit are applied (RFC 9420 §12.3): each
    /// takes the leftmost blank leaf. One left-to-right scan for all of them, not one per leaf.
    ///
    /// - Returns: the new members' leaf indices, in order.
    @discardableResult
    public mutating func add(_ leaves: [LeafNode]) -> [UInt32] {
        var cursor = 0
        return leaves.map { leaf in
            let index = add(leaf, searchingFrom: cursor)
            cursor = Int(index) * 2 + 2
            return index
        }
    }

    private mutating func add(_ leaf: LeafNode, searchingFrom start: Int) -> UInt32 {
        let x: Int
        if let blank = stride(from: start, to: nodes.count, by: 2).first(where: { nodes[$0] == nil }) {
            x = blank
        } else {
            x = nodes.count + 1  // the leftmost leaf of the new right half
            extend()
        }
        let leafIndex = UInt32(x / 2)
        setNode(x, .leaf(leaf))
        for p in TreeArray.directPath(of: x, leafCount: leafCount) {
            guard case .parent = nodes[p] else { continue }
            // Move the parent out of the array first: mutating a copy while `nodes[p]` still
            // holds the original would copy its unmerged list on every add (O(k·U) for k adds).
            guard case .parent(var parent) = nodes[p].take() else { continue }
            // Leaves are added left to right, but a blank leaf further left may be refilled
            // later, so insert in order (the list is strictly increasing, RFC 9420 §7.1).
            parent.unmergedLeaves.insert(leafIndex, at: lowerBound(parent.unmergedLeaves, leafIndex))
            nodes[p] = .parent(parent)  // hash already invalidated by setNode(x)
        }
        return leafIndex
    }

    /// Replaces the leaf at `leafIndex` with `leaf` and blanks its direct path
    /// (RFC 9420 §12.1.2, applying an Update).
    public mutating func update(leafAt leafIndex: UInt32, with leaf: LeafNode) throws(TreeError) {
        guard self.leaf(at: leafIndex) != nil else { throw .blankLeaf }
        let x = Int(leafIndex) * 2
        setNode(x, .leaf(leaf))
        blankDirectPath(of: x)
    }

    /// Blanks the leaf at `leafIndex` and its direct path, then truncates the tree while its
    /// right half is all blank (RFC 9420 §12.1.3, applying a Remove).
    public mutating func remove(leafAt leafIndex: UInt32) throws(TreeError) {
        guard self.leaf(at: leafIndex) != nil else { throw .blankLeaf }
        let x = Int(leafIndex) * 2
        setNode(x, nil)
        blankDirectPath(of: x)
        truncate()
    }

    /// Removes every leaf of `leafIndices` (the Removes of one Commit, RFC 9420 §12.3) and
    /// truncates once at the end: O(k log n + n) rather than one truncation scan per Remove.
    /// On error (a blank or repeated leaf) the tree is unchanged.
    public mutating func remove(leavesAt leafIndices: [UInt32]) throws(TreeError) {
        var candidate = self
        for leafIndex in leafIndices {
            guard candidate.leaf(at: leafIndex) != nil else { throw .blankLeaf }
            let x = Int(leafIndex) * 2
            candidate.setNode(x, nil)
            candidate.blankDirectPath(of: x)
        }
        candidate.truncate()
        self = candidate
    }

    /// Applies an Add, Update or Remove proposal sent by the member at `sender`, as the
    /// `tree-operations` vectors do (Update replaces the sender's own leaf).
    public mutating func apply(_ proposal: Proposal, sender: UInt32) throws(TreeError) {
        switch proposal {
        case .add(let proposal): add(proposal.keyPackage.leafNode)
        case .update(let update): try self.update(leafAt: sender, with: update.leafNode)
        case .remove(let remove): try self.remove(leafAt: remove.removed)
        default: throw .unsupportedProposal
        }
    }

    /// Blanks every node on the direct path of node `x`.
    mutating func blankDirectPath(of x: Int) {
        for p in TreeArray.directPath(of: x, leafCount: leafCount) where nodes[p] != nil {
            setNode(p, nil)
        }
    }

    /// Doubles the number of leaves: the old tree becomes the left subtree of a new blank root.
    mutating func extend() {
        let added = nodes.count + 1
        nodes.append(contentsOf: repeatElement(nil, count: added))
        treeHashCache.appendUnknown(added)
    }

    /// Halves the tree while the right subtree of the root holds no non-blank leaf.
    ///
    /// One scan from the end finds the last non-blank leaf (review L4: the previous loop rescanned
    /// the right half at every halving); the scan covers only trailing blank leaves.
    mutating func truncate() {
        var lastLeaf = nodes.count - 1
        while lastLeaf > 0, nodes[lastLeaf] == nil { lastLeaf -= 2 }
        // With `leaves` leaves, leaf node x lies in the left half exactly when x < leaves.
        var leaves = leafCount
        while leaves > 1, lastLeaf < leaves { leaves /= 2 }
        let keep = 2 * leaves - 1
        guard keep < nodes.count else { return }
        nodes.removeLast(nodes.count - keep)
        treeHashCache.removeLast(treeHashCache.count - keep)
    }
}
