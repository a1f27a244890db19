/// Why a cryptographic operation failed. Descriptions never include key material or plaintext.
public struct MLSCryptoError: Error, Hashable, CustomStringConvertible, Sendable {
    private enum Code: Hashable, Sendable {
        case unsupportedCipherSuite(UInt16)
        case invalidPublicKey
        case invalidPrivateKey
        case invalidSignature
        case decryptionFailed
        case encryptionFailed
        case deriveKeyPairFailed
        case invalidLength(String)
        case invalidArgument(String)
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The suite is unknown or not implemented here (suites 4 and 6: no X448/Ed448).
    public static func unsupportedCipherSuite(_ suite: CipherSuite) -> MLSCryptoError { .init(.unsupportedCipherSuite(suite.rawValue)) }
    /// A public key is malformed or not on the suite's curve.
    public static let invalidPublicKey = MLSCryptoError(.invalidPublicKey)
    /// A private key is malformed for the suite.
    public static let invalidPrivateKey = MLSCryptoError(.invalidPrivateKey)
    /// A signature did not verify (or is malformed).
    public static let invalidSignature = MLSCryptoError(.invalidSignature)
    /// AEAD or HPKE decryption failed (wrong key, tampered data, or malformed encapsulation).
    public static let decryptionFailed = MLSCryptoError(.decryptionFailed)
    /// AEAD or HPKE encryption failed (for example, the KEM rejected the recipient key).
    public static let encryptionFailed = MLSCryptoError(.encryptionFailed)
    /// DeriveKeyPair found no valid scalar in 256 candidates (RFC 9180 §7.1.3); practically unreachable.
    public static let deriveKeyPairFailed = MLSCryptoError(.deriveKeyPairFailed)
    /// An input has the wrong length; `what` names the input.
    public static func invalidLength(_ what: String) -> MLSCryptoError { .init(.invalidLength(what)) }
    /// An argument is outside its allowed range; `what` says which.
    public static func invalidArgument(_ what: String) -> MLSCryptoError { .init(.invalidArgument(what)) }

    public var description: String {
        switch code {
        case .unsupportedCipherSuite(let value): "unsupported cipher suite \(CipherSuite(rawValue: value))"
        case .invalidPublicKey: "invalid public key"
        case .invalidPrivateKey: "invalid private key"
        case .invalidSignature: "invalid signature"
        case .decryptionFailed: "decryption failed"
        case .encryptionFailed: "encryption failed"
        case .deriveKeyPairFailed: "DeriveKeyPair failed"
        case .invalidLength(let what): "invalid length for \(what)"
        case .invalidArgument(let what): "invalid argument: \(what)"
        }
    }
}
