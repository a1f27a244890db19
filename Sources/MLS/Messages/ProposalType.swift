import WireFormat

/// A proposal type (RFC 9420 §12.1, IANA "MLS Proposal Types").
///
/// An open registry (RFC 9420 §17.4): values this implementation does not know decode
/// fine and compare unequal to every named constant, as RFC 9420 §13 requires
/// for extensible fields. Places where an unknown value cannot be processed
/// reject it there, with a typed error.
public struct ProposalType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `add`.
    public static let add = ProposalType(rawValue: 1)
    /// `update`.
    public static let update = ProposalType(rawValue: 2)
    /// `remove`.
    public static let remove = ProposalType(rawValue: 3)
    /// `psk` (PreSharedKey).
    public static let psk = ProposalType(rawValue: 4)
    /// `reinit`.
    public static let reinit = ProposalType(rawValue: 5)
    /// `external_init`.
    public static let externalInit = ProposalType(rawValue: 6)
    /// `group_context_extensions`.
    public static let groupContextExtensions = ProposalType(rawValue: 7)

    /// The GREASE values of RFC 9420 §13.5 (`0x0A0A`, `0x1A1A`, … `0xEAEA`), reserved in every registry.
    public var isGREASE: Bool {
        rawValue & 0x0F0F == 0x0A0A && (rawValue >> 12) == ((rawValue >> 4) & 0xF) && rawValue != 0xFAFA
    }

    /// The proposal types RFC 9420 §7.2 calls "default": they MUST NOT be listed in `Capabilities.proposals`.
    public var isDefault: Bool { (1...7).contains(rawValue) }

    /// Whether a Commit covering a proposal of this type must carry an UpdatePath (RFC 9420 §12.4,
    /// "Path Required" column of §17.4). Unknown types are treated as requiring one.
    public var requiresPath: Bool {
        switch self {
        case .add, .psk, .reinit: false
        default: true
        }
    }

    /// Whether an `external` sender may send a proposal of this type (RFC 9420 §12.1.8, "Ext" column).
    public var isAllowedFromExternalSender: Bool {
        switch self {
        case .add, .remove, .psk, .reinit, .groupContextExtensions: true
        default: false
        }
    }

    public var description: String {
        "ProposalType(0x" + String(rawValue, radix: 16) + ")"
    }
}
