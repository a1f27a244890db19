public import WireFormat

/// Why processing a Welcome failed (RFC 9420 §12.4.3.1). Descriptions carry no secrets.
public struct WelcomeError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case notForThisKeyPackage
        case cipherSuiteMismatch
        case groupSecretsUndecryptable
        case groupInfoUndecryptable
        case malformed(WireFormatError)
        case badGroupInfoSignature
        case badConfirmationTag
        case crypto(MLSCryptoError)
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// No entry of the Welcome is encrypted to this KeyPackage.
    public static let notForThisKeyPackage = Self(.notForThisKeyPackage)
    /// The Welcome's cipher suite is not the KeyPackage's (or the GroupInfo's).
    public static let cipherSuiteMismatch = Self(.cipherSuiteMismatch)
    /// The GroupSecrets do not decrypt with the KeyPackage's init key.
    public static let groupSecretsUndecryptable = Self(.groupSecretsUndecryptable)
    /// The GroupInfo does not decrypt with the welcome key.
    public static let groupInfoUndecryptable = Self(.groupInfoUndecryptable)
    /// A decrypted structure does not decode.
    public static func malformed(_ error: WireFormatError) -> Self { Self(.malformed(error)) }
    /// The GroupInfo signature does not verify with the signer's key.
    public static let badGroupInfoSignature = Self(.badGroupInfoSignature)
    /// The GroupInfo's confirmation tag does not match the key schedule.
    public static let badConfirmationTag = Self(.badConfirmationTag)
    /// A key derivation failed.
    public static func crypto(_ error: MLSCryptoError) -> Self { Self(.crypto(error)) }

    public var description: String {
        switch code {
        case .notForThisKeyPackage: "welcome: not addressed to this key package"
        case .cipherSuiteMismatch: "welcome: cipher suite mismatch"
        case .groupSecretsUndecryptable: "welcome: group secrets do not decrypt"
        case .groupInfoUndecryptable: "welcome: group info does not decrypt"
        case .malformed(let error): "welcome: \(error)"
        case .badGroupInfoSignature: "welcome: group info signature does not verify"
        case .badConfirmationTag: "welcome: confirmation tag does not match"
        case .crypto(let error): "welcome: \(error)"
        }
    }
}
