/// Index arithmetic of the array-based ratchet tree (RFC 9420 §4.1, §7, Appendix C), checked.
///
/// Nodes are numbered left to right (leaves even, parents odd). A ratchet tree always has a
/// power-of-two number of leaves (§7.8 grows and shrinks it by doubling and halving), so
/// ``init(leafCount:)`` requires one. Every operation validates its input and throws a
/// ``TreeMathError`` instead of trapping: indices may come from the network.
///
/// The arithmetic itself is ``TreeArray``'s, the unchecked form the ratchet tree uses on
/// indices it derived: one implementation, checked here. Node indices stay below 2^32, so the
/// `Int` arithmetic there cannot overflow on the 64-bit platforms we build for.
public struct TreeMath: Hashable, Sendable {
    /// The largest leaf count: the node count `2n - 1` must fit in a `UInt32`.
    public static let maximumLeafCount: UInt32 = 1 << 31

    /// The number of leaves, a power of two.
    public let leafCount: UInt32

    /// A tree of `leafCount` leaves.
    /// - Throws: ``TreeMathError/invalidLeafCount`` unless `leafCount` is a power of two in 1...2^31.
    public init(leafCount: UInt32) throws(TreeMathError) {
        guard leafCount > 0, leafCount <= Self.maximumLeafCount, leafCount & (leafCount - 1) == 0 else {
            throw .invalidLeafCount
        }
        self.leafCount = leafCount
    }

    /// The smallest tree with room for `count` leaves (at least one).
    /// - Throws: ``TreeMathError/invalidLeafCount`` when more than 2^31 leaves are asked for.
    public init(holdingLeaves count: UInt32) throws(TreeMathError) {
        guard count <= Self.maximumLeafCount else { throw .invalidLeafCount }
        var leaves: UInt32 = 1
        while leaves < count { leaves <<= 1 }
        try self.init(leafCount: leaves)
    }

    /// `node_width(n) = 2(n - 1) + 1`: the number of nodes.
    public var nodeCount: UInt32 { 2 * (leafCount - 1) + 1 }

    /// The root: `2^log2(width) - 1`, which for a full tree is `leafCount - 1`.
    public var root: NodeIndex { NodeIndex(leafCount - 1) }

    /// Whether `node` is inside this tree.
    public func contains(_ node: NodeIndex) -> Bool { node.value < nodeCount }

    /// Whether `leaf` is inside this tree.
    public func contains(_ leaf: LeafIndex) -> Bool { leaf.value < leafCount }

    /// The left child of a parent node.
    /// - Throws: ``TreeMathError/leafHasNoChildren`` for a leaf, ``TreeMathError/nodeOutOfRange`` outside the tree.
    public func left(_ node: NodeIndex) throws(TreeMathError) -> NodeIndex {
        try check(node)
        guard !node.isLeaf else { throw .leafHasNoChildren }
        return NodeIndex(UInt32(truncatingIfNeeded: TreeArray.left(Int(node.value))))
    }

    /// The right child of a parent node.
    /// - Throws: ``TreeMathError/leafHasNoChildren`` for a leaf, ``TreeMathError/nodeOutOfRange`` outside the tree.
    public func right(_ node: NodeIndex) throws(TreeMathError) -> NodeIndex {
        try check(node)
        guard !node.isLeaf else { throw .leafHasNoChildren }
        return NodeIndex(UInt32(truncatingIfNeeded: TreeArray.right(Int(node.value))))
    }

    /// The parent of a non-root node.
    /// - Throws: ``TreeMathError/rootHasNoParent`` for the root, ``TreeMathError/nodeOutOfRange`` outside the tree.
    public func parent(_ node: NodeIndex) throws(TreeMathError) -> NodeIndex {
        try check(node)
        guard node != root else { throw .rootHasNoParent }
        return NodeIndex(uncheckedParent(node.value))
    }

    /// The other child of the node's parent.
    /// - Throws: ``TreeMathError/rootHasNoParent`` for the root, ``TreeMathError/nodeOutOfRange`` outside the tree.
    public func sibling(_ node: NodeIndex) throws(TreeMathError) -> NodeIndex {
        let p = try parent(node)
        return node.value < p.value ? try right(p) : try left(p)
    }

    /// The direct path of `node`: its ancestors from its parent up to the root, excluding `node`
    /// (§4.1); empty for the root.
    public func directPath(_ node: NodeIndex) throws(TreeMathError) -> [NodeIndex] {
        try check(node)
        let rootValue = root.value
        var path: [NodeIndex] = []
        path.reserveCapacity(Int(leafCount.trailingZeroBitCount))
        var current = node.value
        while current != rootValue {
            current = uncheckedParent(current)
            path.append(NodeIndex(current))
        }
        return path
    }

    /// The copath of `node`: the sibling of `node` and of each node of its direct path except the
    /// root, ordered from `node` upwards (§4.1); empty for the root.
    public func copath(_ node: NodeIndex) throws(TreeMathError) -> [NodeIndex] {
        try check(node)
        let rootValue = root.value
        var path: [NodeIndex] = []
        path.reserveCapacity(Int(leafCount.trailingZeroBitCount))
        var current = node.value
        while current != rootValue {
            path.append(NodeIndex(UInt32(truncatingIfNeeded: TreeArray.sibling(of: Int(current), leafCount: Int(leafCount)))))
            current = uncheckedParent(current)
        }
        return path
    }

    /// The lowest node that is `a`, `b`, or on both their direct paths.
    public func commonAncestor(_ a: NodeIndex, _ b: NodeIndex) throws(TreeMathError) -> NodeIndex {
        try check(a)
        try check(b)
        if a == b { return a }
        // Shift both to the same level, then up together (Appendix C, common_ancestor_direct).
        var x = UInt64(a.value)
        var y = UInt64(b.value)
        let lx = UInt64(a.level) + 1
        let ly = UInt64(b.level) + 1
        if lx <= ly && x >> ly == y >> ly { return b }
        if ly <= lx && x >> lx == y >> lx { return a }
        var k: UInt64 = 0
        while x != y {
            x >>= 1
            y >>= 1
            k += 1
        }
        return NodeIndex(UInt32(truncatingIfNeeded: (x << k) + (1 << (k - 1)) - 1))
    }

    /// The leaves under `node`: the leaf itself, or every leaf of the parent's subtree.
    public func leaves(under node: NodeIndex) throws(TreeMathError) -> ClosedRange<LeafIndex> {
        try check(node)
        let range = TreeArray.leafRange(under: Int(node.value))
        return LeafIndex(UInt32(truncatingIfNeeded: range.lowerBound))...LeafIndex(UInt32(truncatingIfNeeded: range.upperBound - 1))
    }

    @inline(__always)
    private func check(_ node: NodeIndex) throws(TreeMathError) {
        guard contains(node) else { throw .nodeOutOfRange }
    }

    /// `parent(x)` for a non-root node inside the tree: never overflows, since the result is
    /// below the node count (at most 2^32 - 1).
    @inline(__always)
    private func uncheckedParent(_ x: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: TreeArray.parent(of: Int(x), leafCount: Int(leafCount)))
    }
}

/// The index of a node in the array representation of the tree (RFC 9420 §4.1, Appendix C).
public struct NodeIndex: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    /// The node's level: 0 for leaves, the count of trailing one bits for parents.
    public var level: UInt32 { UInt32(TreeArray.level(Int(value))) }

    /// Whether the node is a leaf (even index).
    public var isLeaf: Bool { value & 1 == 0 }

    /// The leaf index of a leaf node, nil for a parent node.
    public var leafIndex: LeafIndex? { isLeaf ? LeafIndex(value / 2) : nil }

    public static func < (lhs: NodeIndex, rhs: NodeIndex) -> Bool { lhs.value < rhs.value }
    public var description: String { "node \(value)" }
}

/// The index of a leaf, i.e. of a member position (RFC 9420 §4.1; `uint32 leaf_index` on the wire).
public struct LeafIndex: Hashable, Comparable, Strideable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    /// The leaf's node index, `2 * value` (leaf indices stay below 2^31 in any valid tree).
    public var nodeIndex: NodeIndex { NodeIndex(value &* 2) }

    public static func < (lhs: LeafIndex, rhs: LeafIndex) -> Bool { lhs.value < rhs.value }
    public func distance(to other: LeafIndex) -> Int { Int(other.value) - Int(value) }
    public func advanced(by n: Int) -> LeafIndex { LeafIndex(UInt32(truncatingIfNeeded: Int(value) + n)) }
    public var description: String { "leaf \(value)" }
}

/// Why a tree index computation was refused.
public struct TreeMathError: Error, Hashable, CustomStringConvertible, Sendable {
    private enum Code: Hashable, Sendable {
        case invalidLeafCount, nodeOutOfRange, leafHasNoChildren, rootHasNoParent
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The leaf count is zero, not a power of two, or above 2^31.
    public static let invalidLeafCount = TreeMathError(.invalidLeafCount)
    /// A node index lies outside the tree.
    public static let nodeOutOfRange = TreeMathError(.nodeOutOfRange)
    /// Children were asked of a leaf.
    public static let leafHasNoChildren = TreeMathError(.leafHasNoChildren)
    /// A parent or sibling was asked of the root.
    public static let rootHasNoParent = TreeMathError(.rootHasNoParent)

    public var description: String {
        switch code {
        case .invalidLeafCount: "tree math: leaf count must be a power of two between 1 and 2^31"
        case .nodeOutOfRange: "tree math: node index outside the tree"
        case .leafHasNoChildren: "tree math: a leaf has no children"
        case .rootHasNoParent: "tree math: the root has no parent or sibling"
        }
    }
}
