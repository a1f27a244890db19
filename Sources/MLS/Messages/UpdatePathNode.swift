import WireFormat

/// One node of an UpdatePath (RFC 9420 §7.6, `UpdatePathNode`): the node's new public key and
/// its path secret encrypted to each node of the copath child's resolution, in order.
public struct UpdatePathNode: Hashable, Sendable {
    /// `HPKEPublicKey encryption_key`.
    public var encryptionKey: [UInt8]
    public var encryptedPathSecret: [HPKECiphertext]

    public init(encryptionKey: [UInt8], encryptedPathSecret: [HPKECiphertext]) {
        self.encryptionKey = encryptionKey
        self.encryptedPathSecret = encryptedPathSecret
    }
}
