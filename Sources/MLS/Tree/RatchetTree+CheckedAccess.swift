import WireFormat

/// The tree functions that take a raw node or leaf index, checked: an index from outside the
/// module (a vector, a message, a caller's arithmetic) gets a typed error, never an
/// out-of-bounds trap. The module's own code calls the unchecked forms on indices it derived
/// from the tree.
extension RatchetTree {
    /// The resolution of node `nodeIndex` (RFC 9420 §4.1.1): the non-blank nodes that together
    /// cover every non-blank node below it, in left-to-right order, each non-blank node followed
    /// by its unmerged leaves (as node indices).
    ///
    /// - Parameter excludingLeaves: leaf indices to leave out (new members added in the same
    ///   Commit are excluded from the resolutions an UpdatePath encrypts to, RFC 9420 §7.6).
    /// - Throws: ``TreeError/nodeOutOfRange`` when `nodeIndex` is not a node of this tree.
    public func resolution(of nodeIndex: Int, excludingLeaves excluded: Set<UInt32> = []) throws(TreeError) -> [Int] {
        guard nodes.indices.contains(nodeIndex) else { throw .nodeOutOfRange }
        return resolution(ofNode: nodeIndex, excludingLeaves: excluded)
    }

    /// The filtered direct path of leaf `leafIndex` (RFC 9420 §4.1.2), leaf to root, as node
    /// indices: the direct path without the nodes whose copath child has an empty resolution.
    ///
    /// - Throws: ``TreeError/leafOutOfRange`` when `leafIndex` is not a leaf of this tree.
    public func filteredDirectPath(of leafIndex: UInt32, excludingLeaves excluded: Set<UInt32> = []) throws(TreeError) -> [Int] {
        guard Int(leafIndex) < leafCount else { throw .leafOutOfRange }
        return filteredDirectPath(ofLeaf: leafIndex, excludingLeaves: excluded)
    }

    /// The tree hash of node `nodeIndex` (RFC 9420 §7.8), from the cache when it is valid.
    ///
    /// - Throws: ``TreeError/nodeOutOfRange`` when `nodeIndex` is not a node of this tree.
    public mutating func treeHash(of nodeIndex: Int) throws(TreeError) -> [UInt8] {
        guard nodes.indices.contains(nodeIndex) else { throw .nodeOutOfRange }
        return treeHash(ofNode: nodeIndex)
    }
}
