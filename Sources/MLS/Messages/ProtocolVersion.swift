import WireFormat

/// A protocol version (RFC 9420 §6, `ProtocolVersion`).
///
/// An open registry (RFC 9420 §6): values this implementation does not know decode
/// fine and compare unequal to every named constant, as RFC 9420 §13 requires
/// for extensible fields. Places where an unknown value cannot be processed
/// reject it there, with a typed error.
public struct ProtocolVersion: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// MLS 1.0, the only version this implementation speaks.
    public static let mls10 = ProtocolVersion(rawValue: 1)

    public var description: String {
        "ProtocolVersion(0x" + String(rawValue, radix: 16) + ")"
    }
}
