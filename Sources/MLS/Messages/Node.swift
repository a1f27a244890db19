import WireFormat

/// A non-blank node of the ratchet tree as carried in the `ratchet_tree` extension
/// (RFC 9420 §12.4.3.3, `Node`). Blank nodes are `nil` in a `[Node?]`.
///
/// Indirect: a node is one reference, so copying a tree's node array (every Commit copies the
/// epoch's tree before changing it) costs one retain per node instead of one per field of
/// every leaf (the profile of a Commit in a 10,000-member group was mostly those retains).
public indirect enum Node: Hashable, Sendable {
    case leaf(LeafNode)
    case parent(ParentNode)

    /// The node's HPKE public key.
    public var encryptionKey: [UInt8] {
        switch self {
        case .leaf(let leaf): leaf.encryptionKey
        case .parent(let parent): parent.encryptionKey
        }
    }

    /// The leaf node, if this is one.
    public var leafNode: LeafNode? {
        if case .leaf(let leaf) = self { return leaf }
        return nil
    }

    /// The parent node, if this is one.
    public var parentNode: ParentNode? {
        if case .parent(let parent) = self { return parent }
        return nil
    }
}
