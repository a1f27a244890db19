/// Why ``KeyPackageBundle`` could not create a KeyPackage. Descriptions carry no key material
/// or identity.
public struct KeyPackageCreationError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case signatureKeyScheme
        case lifetime
        case crypto(MLSCryptoError)
        case invalid(KeyPackageValidationError)
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The signature key given is not for the suite's signature scheme.
    public static let signatureKeyScheme = Self(.signatureKeyScheme)
    /// The lifetime does not fit: the current time plus the validity overflows.
    public static let lifetime = Self(.lifetime)
    /// A cryptographic operation failed (for example an unsupported cipher suite).
    public static func crypto(_ error: MLSCryptoError) -> Self { Self(.crypto(error)) }
    /// The KeyPackage built from the given parameters does not pass RFC 9420 §10.1 validation
    /// (for example, an extension missing from the capabilities).
    public static func invalid(_ error: KeyPackageValidationError) -> Self { Self(.invalid(error)) }

    public var description: String {
        switch code {
        case .signatureKeyScheme: "key package creation: signature key does not match the cipher suite"
        case .lifetime: "key package creation: lifetime out of range"
        case .crypto(let error): "key package creation: \(error)"
        case .invalid(let error): "key package creation: parameters give an invalid \(error)"
        }
    }
}
