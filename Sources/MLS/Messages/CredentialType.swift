import WireFormat

/// A credential type (RFC 9420 §5.3, IANA "MLS Credential Types").
///
/// An open registry (RFC 9420 §17.5): values this implementation does not know decode
/// fine and compare unequal to every named constant, as RFC 9420 §13 requires
/// for extensible fields. Places where an unknown value cannot be processed
/// reject it there, with a typed error.
public struct CredentialType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `basic`: a bare identity (Letterlock puts a ``LetterlockIdentity`` in it).
    public static let basic = CredentialType(rawValue: 1)
    /// `x509`: a chain of DER certificates.
    public static let x509 = CredentialType(rawValue: 2)

    /// The GREASE values of RFC 9420 §13.5 (`0x0A0A`, `0x1A1A`, … `0xEAEA`), reserved in every registry.
    public var isGREASE: Bool {
        rawValue & 0x0F0F == 0x0A0A && (rawValue >> 12) == ((rawValue >> 4) & 0xF) && rawValue != 0xFAFA
    }

    public var description: String {
        "CredentialType(0x" + String(rawValue, radix: 16) + ")"
    }
}
