import WireFormat

/// A non-blank node of the ratchet tree as carried in the `ratchet_tree` extension
/// (RFC 9420 §12.4.3.3, `Node`). Blank nodes are `nil` in a `[Node?]`.
public enum Node: Hashable, Sendable {
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
