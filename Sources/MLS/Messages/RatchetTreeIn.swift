import WireFormat

/// A ratchet tree as received in a `ratchet_tree` extension or from the Delivery Service
/// (RFC 9420 §12.4.3.3, `optional<Node> ratchet_tree<V>`), not yet validated.
///
/// Decoding checks the shape only: the list is non-empty and its last node is non-blank
/// (as the RFC requires of the receiver), leaves sit at even positions and parents at odd
/// ones, and the tree is not larger than a `uint32` leaf index can address. Joining a group
/// turns it into a ``RatchetTree`` through ``RatchetTree/init(validating:crypto:groupID:expectedTreeHash:groupContextExtensions:leafValidator:maximumLeafCount:)``, which
/// checks hashes, parent hashes and every leaf.
///
/// Received trees are bounded in size (review M5): a blank node is one byte on the wire but a
/// full slot in memory and a hash in every tree-hash computation, so a small Welcome could
/// otherwise cost hundreds of megabytes. The decoder stops at ``defaultMaximumLeafCount``
/// leaves unless given another bound (``init(wireBytes:maximumLeafCount:)``).
public struct RatchetTreeIn: Hashable, Sendable {
    /// The largest tree a received `ratchet_tree` may have by default: 2^16 leaves, 131,071
    /// nodes. Letterlock groups are far smaller; raise it per group with the decoder's
    /// `maximumLeafCount` and `RatchetTree(validating:...maximumLeafCount:)`.
    public static let defaultMaximumLeafCount = 1 << 16

    /// The nodes in array order (RFC 9420 Appendix C), `nil` for blank; trailing blanks omitted.
    public var nodes: [Node?]

    /// A tree from its nodes; `nil` unless the nodes have the shape described above.
    public init?(nodes: [Node?]) {
        guard Self.hasValidShape(nodes) else { return nil }
        self.nodes = nodes
    }

    init(uncheckedNodes nodes: [Node?]) {
        self.nodes = nodes
    }

    static func hasValidShape(_ nodes: [Node?]) -> Bool {
        guard let last = nodes.last, last != nil, nodes.count < Int(UInt32.max) else { return false }
        for (index, node) in nodes.enumerated() {
            switch node {
            case .leaf where index & 1 == 1, .parent where index & 1 == 0: return false
            default: continue
            }
        }
        return true
    }
}
