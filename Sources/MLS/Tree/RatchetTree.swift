import WireFormat

/// The public state of a group's ratchet tree (RFC 9420 §4, §7), held as the array of
/// RFC 9420 Appendix C: leaf `i` at node `2i`, parents at odd nodes, `nil` for blank nodes.
///
/// The tree always has a power-of-two number of leaves (the RFC's trees are full; trailing
/// blank leaves are only dropped when the tree is serialized). Tree hashes are cached per
/// node and invalidated along the path of every change, so the root hash of a fresh tree
/// costs one hash per node (O(n)) and a change along one path costs O(log n) rehashes.
///
/// A tree from the outside world is a ``RatchetTreeIn`` until ``init(validating:crypto:groupID:expectedTreeHash:groupContextExtensions:leafValidator:maximumLeafCount:)``
/// has checked it (RFC 9420 §12.4.3.1); ``init(trusting:crypto:)`` is for trees this
/// client already validated (e.g. restored from its own storage).
public struct RatchetTree: Sendable {
    /// The group's cipher suite primitives: they fix the hash of tree and parent hashes.
    public let crypto: CryptoSuite
    /// Every node, `2 * leafCount - 1` of them.
    public internal(set) var nodes: [Node?]
    /// Cached tree hash per node; `nil` when unknown or invalidated.
    var treeHashCache: TreeHashCache

    /// A tree with a single leaf: the creator of a new group (RFC 9420 §11).
    public init(crypto: CryptoSuite, creator: LeafNode) {
        self.crypto = crypto
        self.nodes = [.leaf(creator)]
        self.treeHashCache = TreeHashCache(count: 1, hashLength: crypto.hashLength)
    }

    /// A tree this client has already validated, padded to full width.
    public init(trusting tree: RatchetTreeIn, crypto: CryptoSuite) {
        self.crypto = crypto
        let width = TreeArray.fullWidth(forNodeCount: tree.nodes.count)
        self.nodes = tree.nodes + Array(repeating: nil, count: width - tree.nodes.count)
        self.treeHashCache = TreeHashCache(count: width, hashLength: crypto.hashLength)
    }

    /// The group's cipher suite.
    public var cipherSuite: CipherSuite { crypto.cipherSuite }

    /// The number of leaves, blank or not (a power of two).
    public var leafCount: Int { (nodes.count + 1) / 2 }

    /// The tree as the `ratchet_tree` extension carries it: trailing blank nodes dropped.
    public var wireValue: RatchetTreeIn {
        var end = nodes.count
        while end > 1, nodes[end - 1] == nil { end -= 1 }
        return RatchetTreeIn(uncheckedNodes: Array(nodes[..<end]))
    }

    /// The leaf node at `leafIndex`, or `nil` if it is blank or outside the tree.
    public func leaf(at leafIndex: UInt32) -> LeafNode? {
        let node = Int(leafIndex) * 2
        guard node < nodes.count else { return nil }
        return nodes[node]?.leafNode
    }

    /// The parent node at node index `nodeIndex`, or `nil` if blank, a leaf or outside the tree.
    public func parent(atNode nodeIndex: Int) -> ParentNode? {
        guard nodeIndex >= 0, nodeIndex < nodes.count else { return nil }
        return nodes[nodeIndex]?.parentNode
    }

    /// The node at node index `nodeIndex` (`nil` if blank or outside the tree).
    public func node(at nodeIndex: Int) -> Node? {
        guard nodeIndex >= 0, nodeIndex < nodes.count else { return nil }
        return nodes[nodeIndex]
    }

    /// The indices of the non-blank leaves, in order.
    public var occupiedLeaves: [UInt32] {
        stride(from: 0, to: nodes.count, by: 2).compactMap { nodes[$0] == nil ? nil : UInt32($0 / 2) }
    }

    /// Sets node `index` and invalidates the cached hashes from it to the root.
    mutating func setNode(_ index: Int, _ node: Node?) {
        nodes[index] = node
        invalidateHashes(from: index)
    }

    /// Invalidates the cached tree hashes of `index` and its ancestors.
    mutating func invalidateHashes(from index: Int) {
        let root = TreeArray.root(leafCount: leafCount)
        var current = index
        while true {
            if !treeHashCache.isValid(current), current != index { break }  // ancestors already invalid
            treeHashCache[current] = nil
            if current == root { break }
            current = TreeArray.parent(of: current, leafCount: leafCount)
        }
    }
}

extension RatchetTree: Equatable {
    /// Two trees are equal when they have the same suite and nodes (caches do not count).
    public static func == (lhs: RatchetTree, rhs: RatchetTree) -> Bool {
        lhs.cipherSuite == rhs.cipherSuite && lhs.nodes == rhs.nodes
    }
}
