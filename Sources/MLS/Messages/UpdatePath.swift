import WireFormat

/// The committer's new leaf and the new keys along its filtered direct path
/// (RFC 9420 §7.6, `UpdatePath`).
public struct UpdatePath: Hashable, Sendable {
    public var leafNode: LeafNode
    /// One entry per node of the committer's filtered direct path, leaf to root.
    public var nodes: [UpdatePathNode]

    public init(leafNode: LeafNode, nodes: [UpdatePathNode]) {
        self.leafNode = leafNode
        self.nodes = nodes
    }
}
