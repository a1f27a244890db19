import WireFormat

/// A non-blank parent node of the ratchet tree (RFC 9420 §7.1, `ParentNode`).
public struct ParentNode: Hashable, Sendable {
    /// `HPKEPublicKey encryption_key`, whose private key only the leaves below hold.
    public var encryptionKey: [UInt8]
    /// The parent hash of the next non-blank node above (RFC 9420 §7.9); empty at the root.
    public var parentHash: [UInt8]
    /// Leaf indices below this node that do not know its private key, strictly increasing.
    public var unmergedLeaves: [UInt32]

    public init(encryptionKey: [UInt8], parentHash: [UInt8], unmergedLeaves: [UInt32] = []) {
        self.encryptionKey = encryptionKey
        self.parentHash = parentHash
        self.unmergedLeaves = unmergedLeaves
    }
}
