import WireFormat

/// A KeyPackage that has passed validation (RFC 9420 §10.1). The only ways to get one are
/// ``KeyPackageIn/validate(validator:requirements:)`` and creating one's own.
public struct KeyPackage: Hashable, Sendable {
    /// The validated wire value.
    public let value: KeyPackageIn
    /// `KeyPackageRef`: `RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)` (RFC 9420 §5.2).
    public let reference: [UInt8]

    init(validated value: KeyPackageIn, reference: [UInt8]) {
        self.value = value
        self.reference = reference
    }

    public var cipherSuite: CipherSuite { value.cipherSuite }
    public var initKey: [UInt8] { value.initKey }
    public var leafNode: LeafNode { value.leafNode }
}

/// Why a KeyPackage failed validation (RFC 9420 §10.1).
public struct KeyPackageValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case version
        case cipherSuite
        case badSignature
        case initKeyEqualsEncryptionKey
        case invalidInitKey
        case leafNode(LeafNodeValidationError)
        case extensionNotInCapabilities
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The version is not `mls10`.
    public static let version = Self(.version)
    /// The cipher suite is not the group's.
    public static let cipherSuite = Self(.cipherSuite)
    /// The signature over KeyPackageTBS does not verify.
    public static let badSignature = Self(.badSignature)
    /// `init_key` equals `leaf_node.encryption_key`.
    public static let initKeyEqualsEncryptionKey = Self(.initKeyEqualsEncryptionKey)
    /// `init_key` is not a public key of the suite's KEM (it does not decode).
    public static let invalidInitKey = Self(.invalidInitKey)
    /// A KeyPackage extension is not listed in the leaf's capabilities (RFC 9420 §10).
    public static let extensionNotInCapabilities = Self(.extensionNotInCapabilities)
    /// The leaf node is invalid for a KeyPackage.
    public static func leafNode(_ error: LeafNodeValidationError) -> Self { Self(.leafNode(error)) }

    public var description: String {
        switch code {
        case .version: "key package: unsupported protocol version"
        case .cipherSuite: "key package: cipher suite does not match the group"
        case .badSignature: "key package: signature does not verify"
        case .initKeyEqualsEncryptionKey: "key package: init key equals the leaf encryption key"
        case .invalidInitKey: "key package: init key is not a valid public key for the cipher suite"
        case .extensionNotInCapabilities: "key package: extension not listed in capabilities"
        case .leafNode(let error): "key package: \(error)"
        }
    }
}
