import Crypto
import Foundation

/// An HPKE private key for one of the suites' KEMs, held as swift-crypto key objects (whose
/// storage is zeroed when freed). Never printed.
///
/// The serialized form is the KEM's `SerializePrivateKey` (RFC 9180 §7.1.2): the raw X25519
/// scalar, the big-endian P-curve scalar, or the 32-byte X-Wing seed.
public struct HPKEPrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    enum Storage: Sendable {
        case x25519(Curve25519.KeyAgreement.PrivateKey)
        case p256(P256.KeyAgreement.PrivateKey)
        case p384(P384.KeyAgreement.PrivateKey)
        case p521(P521.KeyAgreement.PrivateKey)
        case xwing(XWingMLKEM768X25519.PrivateKey)
    }

    let storage: Storage

    /// The KEM this key belongs to.
    public var kem: HPKEKEM {
        switch storage {
        case .x25519: .dhkemX25519
        case .p256: .dhkemP256
        case .p384: .dhkemP384
        case .p521: .dhkemP521
        case .xwing: .xwing
        }
    }

    /// `DeserializePrivateKey` for `kem`.
    /// - Throws: ``MLSCryptoError/invalidPrivateKey`` when the bytes are not a valid key of that KEM.
    public init(kem: HPKEKEM, serialized bytes: [UInt8]) throws(MLSCryptoError) {
        guard bytes.count == kem.privateKeyByteCount else { throw .invalidPrivateKey }
        do {
            switch kem {
            case .dhkemX25519: storage = .x25519(try .init(rawRepresentation: bytes))
            case .dhkemP256: storage = .p256(try .init(rawRepresentation: bytes))
            case .dhkemP384: storage = .p384(try .init(rawRepresentation: bytes))
            case .dhkemP521: storage = .p521(try .init(rawRepresentation: bytes))
            case .xwing: storage = .xwing(try .init(seedRepresentation: bytes, publicKey: nil))
            }
        } catch {
            throw .invalidPrivateKey
        }
    }

    /// A fresh random key pair's private key.
    public static func generate(kem: HPKEKEM) throws(MLSCryptoError) -> HPKEPrivateKey {
        switch kem {
        case .dhkemX25519: return HPKEPrivateKey(storage: .x25519(.init()))
        case .dhkemP256: return HPKEPrivateKey(storage: .p256(.init()))
        case .dhkemP384: return HPKEPrivateKey(storage: .p384(.init()))
        case .dhkemP521: return HPKEPrivateKey(storage: .p521(.init()))
        case .xwing:
            do { return HPKEPrivateKey(storage: .xwing(try .generate())) } catch { throw .invalidPrivateKey }
        }
    }

    init(storage: Storage) {
        self.storage = storage
    }

    /// `SerializePublicKey(pk(sk))`: raw X25519, uncompressed P-curve point, or the X-Wing encapsulation key.
    public var publicKey: [UInt8] {
        switch storage {
        case .x25519(let key): Array(key.publicKey.rawRepresentation)
        case .p256(let key): Array(key.publicKey.x963Representation)
        case .p384(let key): Array(key.publicKey.x963Representation)
        case .p521(let key): Array(key.publicKey.x963Representation)
        case .xwing(let key): Array(key.publicKey.rawRepresentation)
        }
    }

    /// `SerializePrivateKey(sk)`, as a ``Secret``.
    public var serialized: Secret {
        switch storage {
        case .x25519(let key): Secret(bytes: key.rawRepresentation)
        case .p256(let key): Secret(bytes: key.rawRepresentation)
        case .p384(let key): Secret(bytes: key.rawRepresentation)
        case .p521(let key): Secret(bytes: key.rawRepresentation)
        case .xwing(let key): Secret(bytes: key.seedRepresentation)
        }
    }

    public var description: String { "HPKEPrivateKey(\(kem))" }
    public var debugDescription: String { description }
}
