import WireFormat

/// How a LeafNode came to be in the tree, with the field that depends on it
/// (RFC 9420 §7.2, `LeafNodeSource` and the `select` it drives).
///
/// A closed enum: the RFC fixes the set, and an unknown source cannot be decoded because
/// the shape of the following field depends on it.
public enum LeafNodeSource: Hashable, Sendable {
    /// `key_package(1)`: the leaf came from a KeyPackage and carries a lifetime.
    case keyPackage(Lifetime)
    /// `update(2)`: the leaf came from an Update proposal.
    case update
    /// `commit(3)`: the leaf came from a Commit's UpdatePath and carries its parent hash.
    case commit(parentHash: [UInt8])

    /// The wire value of the source.
    public var rawValue: UInt8 {
        switch self {
        case .keyPackage: 1
        case .update: 2
        case .commit: 3
        }
    }
}
