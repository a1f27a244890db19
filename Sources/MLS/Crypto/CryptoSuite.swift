import Crypto
public import Foundation

/// The primitives of a supported cipher suite (RFC 9420 §5.1): hash, KDF (HKDF over the hash),
/// MAC (HMAC over the hash), AEAD, HPKE and signature.
///
/// Obtain one with ``init(_:)`` (or ``CipherSuite/crypto()``); it is a small value of enums, so
/// each operation dispatches with a switch, never through an existential.
public struct CryptoSuite: Sendable, Hashable {
    public let cipherSuite: CipherSuite
    public let hash: HashAlgorithm
    public let aead: AEADAlgorithm
    public let kem: HPKEKEM
    public let signatureScheme: SignatureScheme

    /// The primitives of `suite`.
    /// - Throws: ``MLSCryptoError/unsupportedCipherSuite(_:)`` for suites 4 and 6 and unknown values.
    public init(_ suite: CipherSuite) throws(MLSCryptoError) {
        cipherSuite = suite
        switch suite {
        case .mls128DHKEMX25519AES128GCMSHA256Ed25519:
            (kem, aead, hash, signatureScheme) = (.dhkemX25519, .aes128GCM, .sha256, .ed25519)
        case .mls128DHKEMP256AES128GCMSHA256P256:
            (kem, aead, hash, signatureScheme) = (.dhkemP256, .aes128GCM, .sha256, .ecdsaSecp256r1SHA256)
        case .mls128DHKEMX25519ChaCha20Poly1305SHA256Ed25519:
            (kem, aead, hash, signatureScheme) = (.dhkemX25519, .chaCha20Poly1305, .sha256, .ed25519)
        case .mls256DHKEMP521AES256GCMSHA512P521:
            (kem, aead, hash, signatureScheme) = (.dhkemP521, .aes256GCM, .sha512, .ecdsaSecp521r1SHA512)
        case .mls256DHKEMP384AES256GCMSHA384P384:
            (kem, aead, hash, signatureScheme) = (.dhkemP384, .aes256GCM, .sha384, .ecdsaSecp384r1SHA384)
        case .mls128MLKEM768X25519AES128GCMSHA256Ed25519:
            (kem, aead, hash, signatureScheme) = (.xwing, .aes128GCM, .sha256, .ed25519)
        default:
            throw .unsupportedCipherSuite(suite)
        }
    }

    /// An HPKE-only combination that no MLS suite has (for example X-Wing with ChaCha20-Poly1305),
    /// so that HPKE vectors run through the production ``setupBaseR(kemOutput:privateKey:info:)``.
    /// Only the package's vector runners use it; it has no MLS cipher-suite value.
    package init(hpkeTestingKEM kem: HPKEKEM, hash: HashAlgorithm, aead: AEADAlgorithm) {
        cipherSuite = CipherSuite(rawValue: 0xFFFF)
        (self.kem, self.aead, self.hash) = (kem, aead, hash)
        signatureScheme = .ed25519
    }

    /// `primitives` under another wire value (an alias, see ``init(_:aliases:)``).
    init(cipherSuite: CipherSuite, primitivesOf primitives: CryptoSuite) {
        self.cipherSuite = cipherSuite
        (kem, aead, hash, signatureScheme) = (primitives.kem, primitives.aead, primitives.hash, primitives.signatureScheme)
    }

    /// `KDF.Nh`: the hash (and HKDF extract) output length.
    public var hashLength: Int { hash.outputByteCount }

    // MARK: Hash and MAC

    /// `Hash(data)`.
    public func hash(_ data: some DataProtocol) -> [UInt8] {
        switch hash {
        case .sha256: Array(SHA256.hash(data: data))
        case .sha384: Array(SHA384.hash(data: data))
        case .sha512: Array(SHA512.hash(data: data))
        }
    }

    /// `MAC(key, data)`: HMAC with the suite's hash (RFC 9420 §5.1).
    public func mac(key: Secret, data: some DataProtocol) -> [UInt8] {
        switch hash {
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: data, using: key.symmetricKey))
        case .sha384: Array(HMAC<SHA384>.authenticationCode(for: data, using: key.symmetricKey))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: data, using: key.symmetricKey))
        }
    }

    /// Whether `tag` is `MAC(key, data)`, compared in constant time.
    public func verifyMAC(key: Secret, data: some DataProtocol, tag: [UInt8]) -> Bool {
        ConstantTime.equals(mac(key: key, data: data), tag)
    }

    // MARK: KDF (RFC 5869 HKDF with the suite's hash)

    /// `KDF.Extract(salt, ikm)`.
    public func extract(salt: Secret, ikm: Secret) -> Secret {
        salt.withUnsafeBytes { saltBytes in
            Self.extract(hash, salt: saltBytes, ikm: ikm.symmetricKey)
        }
    }

    /// `KDF.Extract(salt, ikm)` with a public salt.
    public func extract(salt: some DataProtocol, ikm: Secret) -> Secret {
        Self.extract(hash, salt: salt, ikm: ikm.symmetricKey)
    }

    static func extract(_ hash: HashAlgorithm, salt: some DataProtocol, ikm: SymmetricKey) -> Secret {
        switch hash {
        case .sha256: Secret(bytes: HKDF<SHA256>.extract(inputKeyMaterial: ikm, salt: salt))
        case .sha384: Secret(bytes: HKDF<SHA384>.extract(inputKeyMaterial: ikm, salt: salt))
        case .sha512: Secret(bytes: HKDF<SHA512>.extract(inputKeyMaterial: ikm, salt: salt))
        }
    }

    /// `KDF.Expand(prk, info, length)`.
    /// - Throws: ``MLSCryptoError/invalidArgument(_:)`` when `length` exceeds 255 · Nh (RFC 5869 §2.3).
    public func expand(prk: Secret, info: some DataProtocol, length: Int) throws(MLSCryptoError) -> Secret {
        try Self.expand(hash, prk: prk.symmetricKey, info: info, length: length)
    }

    static func expand(_ hash: HashAlgorithm, prk: SymmetricKey, info: some DataProtocol, length: Int) throws(MLSCryptoError) -> Secret {
        guard length >= 0, length <= 255 * hash.outputByteCount else { throw .invalidArgument("KDF output length") }
        return uncheckedExpand(hash, prk: prk, info: info, length: length)
    }

    /// HKDF-Expand (RFC 5869 §2.3) written over HMAC directly: swift-crypto's `HKDF.expand` copies
    /// the PRK into a new key and the output through two buffers; this runs once per message key.
    /// - Precondition: `0 <= length <= 255 * Nh` (checked by the callers).
    static func uncheckedExpand(_ hash: HashAlgorithm, prk: SymmetricKey, info: some DataProtocol, length: Int) -> Secret {
        switch hash {
        case .sha256: hmacExpand(SHA256.self, prk: prk, info: info, length: length)
        case .sha384: hmacExpand(SHA384.self, prk: prk, info: info, length: length)
        case .sha512: hmacExpand(SHA512.self, prk: prk, info: info, length: length)
        }
    }

    @inline(__always)
    private static func hmacExpand<H: HashFunction>(_: H.Type, prk: SymmetricKey, info: some DataProtocol, length: Int) -> Secret {
        var output = [UInt8]()
        output.reserveCapacity(length)
        defer { Zeroize.bytes(&output) }
        var previous: HashedAuthenticationCode<H>?
        var counter: UInt8 = 1
        while output.count < length {
            var hmac = HMAC<H>(key: prk)
            if let previous {
                previous.withUnsafeBytes { hmac.update(data: $0) }
            }
            hmac.update(data: info)
            withUnsafeBytes(of: counter) { hmac.update(data: $0) }
            let block = hmac.finalize()
            block.withUnsafeBytes { output.append(contentsOf: $0.prefix(length - output.count)) }
            previous = block
            counter &+= 1
        }
        return Secret(bytes: output)
    }
}

extension CipherSuite {
    /// The primitives of this suite.
    /// - Throws: ``MLSCryptoError/unsupportedCipherSuite(_:)`` when the suite is not implemented.
    public func crypto() throws(MLSCryptoError) -> CryptoSuite {
        try CryptoSuite(self)
    }
}
