/// The hash function of a cipher suite (RFC 9420 §5.1); also selects its HKDF and HMAC.
public enum HashAlgorithm: Sendable, Hashable {
    case sha256, sha384, sha512

    /// The output length in bytes (`KDF.Nh` for the suite's HKDF).
    public var outputByteCount: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }
}

/// The AEAD of a cipher suite (RFC 9180 §7.3 identifiers).
public enum AEADAlgorithm: Sendable, Hashable {
    case aes128GCM, aes256GCM, chaCha20Poly1305

    /// `Nk`: the key length in bytes.
    public var keyByteCount: Int {
        switch self {
        case .aes128GCM: 16
        case .aes256GCM, .chaCha20Poly1305: 32
        }
    }

    /// `Nn`: the nonce length in bytes.
    public var nonceByteCount: Int { 12 }

    /// The tag length in bytes.
    public var tagByteCount: Int { 16 }

    /// The HPKE AEAD identifier (RFC 9180 §7.3).
    public var hpkeIdentifier: UInt16 {
        switch self {
        case .aes128GCM: 0x0001
        case .aes256GCM: 0x0002
        case .chaCha20Poly1305: 0x0003
        }
    }
}

/// The signature scheme of a cipher suite (RFC 9420 §5.1.2: TLS 1.3 SignatureScheme names).
public enum SignatureScheme: Sendable, Hashable {
    case ed25519
    case ecdsaSecp256r1SHA256
    case ecdsaSecp384r1SHA384
    case ecdsaSecp521r1SHA512
}

/// The HPKE KEM of a cipher suite (RFC 9180 §7.1, draft-ietf-hpke-pq §6 for X-Wing).
public enum HPKEKEM: Sendable, Hashable {
    /// DHKEM(X25519, HKDF-SHA256), 0x0020.
    case dhkemX25519
    /// DHKEM(P-256, HKDF-SHA256), 0x0010.
    case dhkemP256
    /// DHKEM(P-384, HKDF-SHA384), 0x0011.
    case dhkemP384
    /// DHKEM(P-521, HKDF-SHA512), 0x0012.
    case dhkemP521
    /// MLKEM768-X25519 (X-Wing), 0x647a.
    case xwing

    /// The HPKE KEM identifier.
    public var identifier: UInt16 {
        switch self {
        case .dhkemX25519: 0x0020
        case .dhkemP256: 0x0010
        case .dhkemP384: 0x0011
        case .dhkemP521: 0x0012
        case .xwing: 0x647a
        }
    }

    /// The KEM for an HPKE identifier, or nil when we do not implement it.
    public init?(identifier: UInt16) {
        switch identifier {
        case 0x0020: self = .dhkemX25519
        case 0x0010: self = .dhkemP256
        case 0x0011: self = .dhkemP384
        case 0x0012: self = .dhkemP521
        case 0x647a: self = .xwing
        default: return nil
        }
    }

    /// `Nsk`: the length of a serialized private key.
    public var privateKeyByteCount: Int {
        switch self {
        case .dhkemX25519, .dhkemP256, .xwing: 32
        case .dhkemP384: 48
        case .dhkemP521: 66
        }
    }

    /// `Nsecret`: the length of the KEM shared secret.
    public var sharedSecretByteCount: Int {
        switch self {
        case .dhkemX25519, .dhkemP256, .xwing: 32
        case .dhkemP384: 48
        case .dhkemP521: 64
        }
    }

    /// The KDF a DHKEM uses internally (RFC 9180 §7.1); X-Wing derives with SHAKE256 instead.
    var dhkemHash: HashAlgorithm {
        switch self {
        case .dhkemX25519, .dhkemP256, .xwing: .sha256
        case .dhkemP384: .sha384
        case .dhkemP521: .sha512
        }
    }

    /// `suite_id` for the KEM's own labeled functions: "KEM" || I2OSP(kem_id, 2) (RFC 9180 §4.1).
    var suiteID: [UInt8] {
        [0x4b, 0x45, 0x4d, UInt8(identifier >> 8), UInt8(identifier & 0xff)]
    }
}
