import WireFormat

/// An Update proposal (RFC 9420 §12.1.2): replace the sender's leaf with `leafNode`.
public struct Update: Hashable, Sendable {
    public var leafNode: LeafNode

    public init(leafNode: LeafNode) {
        self.leafNode = leafNode
    }
}
