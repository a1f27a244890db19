import WireFormat

/// The outermost MLS message (RFC 9420 §6, `MLSMessage`).
///
/// Decoding rejects any protocol version but `mls10` and any wire format outside the five
/// of RFC 9420 (the body of an unknown format cannot be parsed).
public struct MLSMessage: Hashable, Sendable {
    /// The `select (wire_format)` of MLSMessage.
    public enum Body: Hashable, Sendable {
        case publicMessage(PublicMessage)
        case privateMessage(PrivateMessage)
        case welcome(Welcome)
        case groupInfo(GroupInfo)
        case keyPackage(KeyPackageIn)

        public var wireFormat: MLSWireFormat {
            switch self {
            case .publicMessage: .publicMessage
            case .privateMessage: .privateMessage
            case .welcome: .welcome
            case .groupInfo: .groupInfo
            case .keyPackage: .keyPackage
            }
        }
    }

    /// Always `mls10`: nothing else decodes.
    public var version: ProtocolVersion { .mls10 }
    public var body: Body

    public init(_ body: Body) {
        self.body = body
    }

    public var wireFormat: MLSWireFormat { body.wireFormat }
}
