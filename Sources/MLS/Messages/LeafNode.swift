import WireFormat

/// A member's leaf in the ratchet tree, signed by that member (RFC 9420 §7.2, `LeafNode`).
///
/// This is the value as it travels on the wire; decoding it checks syntax only. Its
/// signature, lifetime, capabilities and credential are checked by ``LeafNodeValidator``
/// wherever a LeafNode enters a group (KeyPackage, Update, Commit, joining a tree).
public struct LeafNode: Hashable, Sendable {
    /// `HPKEPublicKey encryption_key`.
    public var encryptionKey: [UInt8]
    /// `SignaturePublicKey signature_key`.
    public var signatureKey: [UInt8]
    public var credential: Credential
    public var capabilities: Capabilities
    /// `leaf_node_source` with its lifetime or parent hash.
    public var source: LeafNodeSource
    public var extensions: [Extension]
    /// `SignWithLabel(., "LeafNodeTBS", LeafNodeTBS)`.
    public var signature: [UInt8]

    public init(
        encryptionKey: [UInt8],
        signatureKey: [UInt8],
        credential: Credential,
        capabilities: Capabilities,
        source: LeafNodeSource,
        extensions: [Extension],
        signature: [UInt8]
    ) {
        self.encryptionKey = encryptionKey
        self.signatureKey = signatureKey
        self.credential = credential
        self.capabilities = capabilities
        self.source = source
        self.extensions = extensions
        self.signature = signature
    }

    /// The parent hash a `commit` leaf carries, else `nil`.
    public var parentHash: [UInt8]? {
        if case .commit(let parentHash) = source { return parentHash }
        return nil
    }

    /// The lifetime a `key_package` leaf carries, else `nil`.
    public var lifetime: Lifetime? {
        if case .keyPackage(let lifetime) = source { return lifetime }
        return nil
    }
}
