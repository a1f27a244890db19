import WireFormat

/// An extension type (RFC 9420 §13.4, IANA "MLS Extension Types").
///
/// An open registry (RFC 9420 §17.3): values this implementation does not know decode
/// fine and compare unequal to every named constant, as RFC 9420 §13 requires
/// for extensible fields. Places where an unknown value cannot be processed
/// reject it there, with a typed error.
public struct ExtensionType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `application_id` (LeafNode).
    public static let applicationID = ExtensionType(rawValue: 1)
    /// `ratchet_tree` (GroupInfo).
    public static let ratchetTree = ExtensionType(rawValue: 2)
    /// `required_capabilities` (GroupContext).
    public static let requiredCapabilities = ExtensionType(rawValue: 3)
    /// `external_pub` (GroupInfo).
    public static let externalPub = ExtensionType(rawValue: 4)
    /// `external_senders` (GroupContext).
    public static let externalSenders = ExtensionType(rawValue: 5)

    /// The GREASE values of RFC 9420 §13.5 (`0x0A0A`, `0x1A1A`, … `0xEAEA`), reserved in every registry.
    public var isGREASE: Bool {
        rawValue & 0x0F0F == 0x0A0A && (rawValue >> 12) == ((rawValue >> 4) & 0xF) && rawValue != 0xFAFA
    }

    /// The extension types RFC 9420 §7.2 calls "default": every client supports them and they MUST NOT
    /// be listed in `Capabilities.extensions`.
    public var isDefault: Bool { (1...5).contains(rawValue) }

    public var description: String {
        "ExtensionType(0x" + String(rawValue, radix: 16) + ")"
    }
}
