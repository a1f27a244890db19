import WireFormat

/// Why a LeafNode failed validation (RFC 9420 §7.3). Descriptions carry no key material
/// or identity.
public struct LeafNodeValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case credentialRejected(String)
        case badSignature
        case unsupportedSignatureKey
        case requiredCapabilities
        case credentialTypeNotSupportedByGroup
        case groupCredentialTypeNotSupported
        case lifetime
        case extensionNotInCapabilities
        case credentialTypeNotInCapabilities
        case wrongSource
        case encryptionKeyUnchanged
        case invalidEncryptionKey
        case unsupportedCredentialType
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The credential validator rejected the credential.
    public static func credentialRejected(_ error: CredentialValidationError) -> Self { Self(.credentialRejected(error.reason)) }
    /// The signature over LeafNodeTBS does not verify.
    public static let badSignature = Self(.badSignature)
    /// The signature key is not a valid key for the suite's signature scheme.
    public static let unsupportedSignatureKey = Self(.unsupportedSignatureKey)
    /// The capabilities lack something the group's `required_capabilities` requires.
    public static let requiredCapabilities = Self(.requiredCapabilities)
    /// Some member does not support this leaf's credential type.
    public static let credentialTypeNotSupportedByGroup = Self(.credentialTypeNotSupportedByGroup)
    /// This leaf does not support a credential type in use in the group.
    public static let groupCredentialTypeNotSupported = Self(.groupCredentialTypeNotSupported)
    /// The lifetime is not acceptable now (or is longer than the application's maximum).
    public static let lifetime = Self(.lifetime)
    /// An extension of the leaf is not listed in its capabilities.
    public static let extensionNotInCapabilities = Self(.extensionNotInCapabilities)
    /// The leaf's credential type is not listed in its capabilities.
    public static let credentialTypeNotInCapabilities = Self(.credentialTypeNotInCapabilities)
    /// `leaf_node_source` is not the one the context requires.
    public static let wrongSource = Self(.wrongSource)
    /// An Update or Commit leaf keeps the encryption key of the leaf it replaces.
    public static let encryptionKeyUnchanged = Self(.encryptionKeyUnchanged)

    /// `encryption_key` is not a public key of the suite's KEM (it does not decode).
    public static let invalidEncryptionKey = Self(.invalidEncryptionKey)

    /// The credential is of a type this implementation cannot validate (neither basic nor x509).
    public static let unsupportedCredentialType = Self(.unsupportedCredentialType)

    public var description: String {
        switch code {
        case .credentialRejected(let reason): "leaf node: credential rejected (\(reason))"
        case .badSignature: "leaf node: signature does not verify"
        case .unsupportedSignatureKey: "leaf node: signature key unusable with the cipher suite"
        case .requiredCapabilities: "leaf node: missing a required capability"
        case .credentialTypeNotSupportedByGroup: "leaf node: credential type not supported by every member"
        case .groupCredentialTypeNotSupported: "leaf node: does not support a credential type in use"
        case .lifetime: "leaf node: lifetime not valid now"
        case .extensionNotInCapabilities: "leaf node: extension not listed in capabilities"
        case .credentialTypeNotInCapabilities: "leaf node: credential type not listed in capabilities"
        case .wrongSource: "leaf node: wrong leaf_node_source"
        case .encryptionKeyUnchanged: "leaf node: encryption key not changed"
        case .unsupportedCredentialType: "leaf node: unsupported credential type"
        case .invalidEncryptionKey: "leaf node: encryption key is not a valid public key for the cipher suite"
        }
    }
}
