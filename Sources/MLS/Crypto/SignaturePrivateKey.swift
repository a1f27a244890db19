import Crypto
import Foundation

/// A signature private key for a suite's scheme (RFC 9420 §5.1.2), held as a swift-crypto key
/// object (zeroed when freed). Never printed.
///
/// Serialized forms follow the MLS vectors: the 32-byte Ed25519 seed (RFC 8032), or the
/// big-endian ECDSA scalar (Field-Element-to-Octet-String).
public struct SignaturePrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    enum Storage: Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
    }

    let storage: Storage

    /// The scheme this key signs with.
    public var scheme: SignatureScheme {
        switch storage {
        case .ed25519: .ed25519
        case .p256: .ecdsaSecp256r1SHA256
        case .p384: .ecdsaSecp384r1SHA384
        case .p521: .ecdsaSecp521r1SHA512
        }
    }

    /// A key from its serialized form.
    ///
    /// An ECDSA scalar shorter than the field size is left-padded with zeros: some implementations
    /// write the minimal big-endian integer (the interop vectors have a 65-byte P-521 key), which
    /// is the same scalar.
    /// - Throws: ``MLSCryptoError/invalidPrivateKey`` when the bytes are not a key of `scheme`.
    public init(scheme: SignatureScheme, serialized bytes: [UInt8]) throws(MLSCryptoError) {
        var bytes = bytes
        defer { Zeroize.bytes(&bytes) }
        let scalarLength: Int? =
            switch scheme {
            case .ed25519: nil
            case .ecdsaSecp256r1SHA256: 32
            case .ecdsaSecp384r1SHA384: 48
            case .ecdsaSecp521r1SHA512: 66
            }
        if let scalarLength, bytes.count < scalarLength, !bytes.isEmpty {
            bytes = [UInt8](repeating: 0, count: scalarLength - bytes.count) + bytes
        }
        do {
            switch scheme {
            case .ed25519: storage = .ed25519(try .init(rawRepresentation: bytes))
            case .ecdsaSecp256r1SHA256: storage = .p256(try .init(rawRepresentation: bytes))
            case .ecdsaSecp384r1SHA384: storage = .p384(try .init(rawRepresentation: bytes))
            case .ecdsaSecp521r1SHA512: storage = .p521(try .init(rawRepresentation: bytes))
            }
        } catch {
            throw .invalidPrivateKey
        }
    }

    /// A fresh random key.
    public static func generate(scheme: SignatureScheme) -> SignaturePrivateKey {
        switch scheme {
        case .ed25519: SignaturePrivateKey(storage: .ed25519(.init()))
        case .ecdsaSecp256r1SHA256: SignaturePrivateKey(storage: .p256(.init()))
        case .ecdsaSecp384r1SHA384: SignaturePrivateKey(storage: .p384(.init()))
        case .ecdsaSecp521r1SHA512: SignaturePrivateKey(storage: .p521(.init()))
        }
    }

    init(storage: Storage) {
        self.storage = storage
    }

    /// The `SignaturePublicKey` bytes: raw Ed25519 (RFC 8032) or the uncompressed point (RFC 8446).
    public var publicKey: [UInt8] {
        switch storage {
        case .ed25519(let key): Array(key.publicKey.rawRepresentation)
        case .p256(let key): Array(key.publicKey.x963Representation)
        case .p384(let key): Array(key.publicKey.x963Representation)
        case .p521(let key): Array(key.publicKey.x963Representation)
        }
    }

    /// The serialized private key, as a ``Secret``.
    public var serialized: Secret {
        switch storage {
        case .ed25519(let key): Secret(bytes: key.rawRepresentation)
        case .p256(let key): Secret(bytes: key.rawRepresentation)
        case .p384(let key): Secret(bytes: key.rawRepresentation)
        case .p521(let key): Secret(bytes: key.rawRepresentation)
        }
    }

    /// `Signature.Sign(key, message)`: Ed25519 `R || S`, or a DER-encoded ECDSA signature
    /// (RFC 9420 §5.1.2) over the scheme's hash of `message`.
    public func sign(_ message: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        do {
            switch storage {
            case .ed25519(let key): return Array(try key.signature(for: message))
            case .p256(let key): return Array(try key.signature(for: message).derRepresentation)
            case .p384(let key): return Array(try key.signature(for: message).derRepresentation)
            case .p521(let key): return Array(try key.signature(for: message).derRepresentation)
            }
        } catch {
            throw .invalidPrivateKey
        }
    }

    public var description: String { "SignaturePrivateKey(\(scheme))" }
    public var debugDescription: String { description }
}

extension SignatureScheme {
    /// `Signature.Verify(publicKey, message, signature)`. Malformed keys or signatures verify as false.
    public func verify(publicKey: [UInt8], message: [UInt8], signature: [UInt8]) -> Bool {
        switch self {
        case .ed25519:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
            return key.isValidSignature(signature, for: message)
        case .ecdsaSecp256r1SHA256:
            guard let key = try? P256.Signing.PublicKey(x963Representation: publicKey),
                let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: message)
        case .ecdsaSecp384r1SHA384:
            guard let key = try? P384.Signing.PublicKey(x963Representation: publicKey),
                let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: message)
        case .ecdsaSecp521r1SHA512:
            guard let key = try? P521.Signing.PublicKey(x963Representation: publicKey),
                let parsed = try? P521.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: message)
        }
    }
}
