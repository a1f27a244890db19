public import WireFormat

/// An MLS cipher suite identifier (RFC 9420 §5.1, §17.1), as it travels on the wire (`uint16`).
///
/// Any value decodes; whether Letterlock can run it is ``isSupported``, and its primitives come from
/// ``CryptoSuite``. Suites 4 and 6 (X448/Ed448) are known but unsupported: swift-crypto has neither
/// curve, so their interop vectors are reported as skipped.
public struct CipherSuite: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    // MARK: RFC 9420 §17.1

    /// 0x0001 MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (mandatory to implement).
    public static let mls128DHKEMX25519AES128GCMSHA256Ed25519 = CipherSuite(rawValue: 0x0001)
    /// 0x0002 MLS_128_DHKEMP256_AES128GCM_SHA256_P256.
    public static let mls128DHKEMP256AES128GCMSHA256P256 = CipherSuite(rawValue: 0x0002)
    /// 0x0003 MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519.
    public static let mls128DHKEMX25519ChaCha20Poly1305SHA256Ed25519 = CipherSuite(rawValue: 0x0003)
    /// 0x0004 MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448 (unsupported: no X448/Ed448 in swift-crypto).
    public static let mls256DHKEMX448AES256GCMSHA512Ed448 = CipherSuite(rawValue: 0x0004)
    /// 0x0005 MLS_256_DHKEMP521_AES256GCM_SHA512_P521.
    public static let mls256DHKEMP521AES256GCMSHA512P521 = CipherSuite(rawValue: 0x0005)
    /// 0x0006 MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448 (unsupported: no X448/Ed448 in swift-crypto).
    public static let mls256DHKEMX448ChaCha20Poly1305SHA512Ed448 = CipherSuite(rawValue: 0x0006)
    /// 0x0007 MLS_256_DHKEMP384_AES256GCM_SHA384_P384.
    public static let mls256DHKEMP384AES256GCMSHA384P384 = CipherSuite(rawValue: 0x0007)

    // MARK: draft-ietf-mls-pq-ciphersuites

    /// The codepoint Letterlock uses, provisionally, for MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519.
    ///
    /// draft-ietf-mls-pq-ciphersuites has not been assigned values yet ("TBD1"). 0xF0A1 lies in the
    /// range RFC 9420 §17.1 reserves for private use (0xF000-0xFFFF), so it cannot collide with a
    /// future IANA assignment. This is the ONLY place the value is written. A peer that numbers the
    /// suite differently is reached by running the group on the peer's value, declared as an alias
    /// (``CryptoSuite/init(_:aliases:)``): the value is inside signed and hashed structures
    /// (KeyPackageTBS, capabilities, GroupContext), so it cannot be rewritten at the boundary.
    public static let provisionalMLKEM768X25519Codepoint: UInt16 = 0xF0A1

    /// MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 (draft-ietf-mls-pq-ciphersuites): HPKE KEM
    /// 0x647a (X-Wing, ML-KEM-768 + X25519), HKDF-SHA256, AES-128-GCM, SHA-256, Ed25519.
    /// Post-quantum confidentiality, classical authenticity. Codepoint provisional: see
    /// ``provisionalMLKEM768X25519Codepoint``.
    public static let mls128MLKEM768X25519AES128GCMSHA256Ed25519 = CipherSuite(rawValue: provisionalMLKEM768X25519Codepoint)

    /// The suite every new Letterlock conversation uses: the post-quantum hybrid.
    public static let letterlockDefault = mls128MLKEM768X25519AES128GCMSHA256Ed25519

    /// Every suite Letterlock can run.
    public static let supported: [CipherSuite] = [
        .mls128DHKEMX25519AES128GCMSHA256Ed25519, .mls128DHKEMP256AES128GCMSHA256P256,
        .mls128DHKEMX25519ChaCha20Poly1305SHA256Ed25519, .mls256DHKEMP521AES256GCMSHA512P521,
        .mls256DHKEMP384AES256GCMSHA384P384, .mls128MLKEM768X25519AES128GCMSHA256Ed25519,
    ]

    /// Suites that are registered but that Letterlock cannot run (vectors for them count as skipped).
    public static let knownUnsupported: [CipherSuite] = [.mls256DHKEMX448AES256GCMSHA512Ed448, .mls256DHKEMX448ChaCha20Poly1305SHA512Ed448]

    /// Whether Letterlock implements this suite.
    public var isSupported: Bool { Self.supported.contains(self) }

    /// The registered name, or nil for an unknown value.
    public var name: String? {
        switch rawValue {
        case 0x0001: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"
        case 0x0002: "MLS_128_DHKEMP256_AES128GCM_SHA256_P256"
        case 0x0003: "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"
        case 0x0004: "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448"
        case 0x0005: "MLS_256_DHKEMP521_AES256GCM_SHA512_P521"
        case 0x0006: "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448"
        case 0x0007: "MLS_256_DHKEMP384_AES256GCM_SHA384_P384"
        case Self.provisionalMLKEM768X25519Codepoint: "MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519"
        default: nil
        }
    }

    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        let code = "0x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return name.map { "\($0) (\(code))" } ?? "unknown cipher suite \(code)"
    }
}

extension CipherSuite: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        self.init(rawValue: try reader.readUInt16())
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(rawValue)
    }
}
