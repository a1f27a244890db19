import WireFormat

/// The wire format of an MLS message (RFC 9420 §6, IANA "MLS Wire Formats").
///
/// Named `MLSWireFormat` because `WireFormat` is the codec module's name.
///
/// An open registry (RFC 9420 §17.2): values this implementation does not know decode
/// fine and compare unequal to every named constant, as RFC 9420 §13 requires
/// for extensible fields. Places where an unknown value cannot be processed
/// reject it there, with a typed error.
public struct MLSWireFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `mls_public_message`.
    public static let publicMessage = MLSWireFormat(rawValue: 1)
    /// `mls_private_message`.
    public static let privateMessage = MLSWireFormat(rawValue: 2)
    /// `mls_welcome`.
    public static let welcome = MLSWireFormat(rawValue: 3)
    /// `mls_group_info`.
    public static let groupInfo = MLSWireFormat(rawValue: 4)
    /// `mls_key_package`.
    public static let keyPackage = MLSWireFormat(rawValue: 5)

    public var description: String {
        "MLSWireFormat(0x" + String(rawValue, radix: 16) + ")"
    }
}
