import WireFormat

/// A KeyPackage as received (RFC 9420 §10, `KeyPackage`), not yet validated.
///
/// Decoding checks syntax only. A ``KeyPackage`` (validated) is obtained only through
/// ``KeyPackageIn/validate(validator:requirements:)``, which checks the signature, the
/// leaf node, the version and suite and the init key (RFC 9420 §10.1).
public struct KeyPackageIn: Hashable, Sendable {
    public var version: ProtocolVersion
    public var cipherSuite: CipherSuite
    /// `HPKEPublicKey init_key`: Welcome secrets are encrypted to it.
    public var initKey: [UInt8]
    public var leafNode: LeafNode
    public var extensions: [Extension]
    /// `SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)`.
    public var signature: [UInt8]

    public init(
        version: ProtocolVersion = .mls10,
        cipherSuite: CipherSuite,
        initKey: [UInt8],
        leafNode: LeafNode,
        extensions: [Extension],
        signature: [UInt8]
    ) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.initKey = initKey
        self.leafNode = leafNode
        self.extensions = extensions
        self.signature = signature
    }
}
