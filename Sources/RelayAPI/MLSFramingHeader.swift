import MLS
import WireFormat

/// The few fields of an `MLSMessage` the relay reads to order handshake messages (RFC 9420 §6):
/// the wire format and, for public and private messages, the group id, epoch and content type.
/// Nothing past those fields is read; the rest of the message stays opaque.
public struct MLSFramingHeader: Hashable, Sendable {
    /// `WireFormat` values (RFC 9420 §17.2, "MLS Wire Formats").
    public static let publicMessage: UInt16 = 1
    public static let privateMessage: UInt16 = 2

    /// `ContentType` (RFC 9420 §6): closed by the spec.
    public enum ContentType: UInt8, Hashable, Sendable {
        case application = 1
        case proposal = 2
        case commit = 3
    }

    public var wireFormat: UInt16
    /// Present for `mls_public_message` and `mls_private_message` only.
    public var group: Group?

    public struct Group: Hashable, Sendable {
        public var groupID: [UInt8]
        public var epoch: UInt64
        public var contentType: ContentType
    }

    /// True for a commit (which the relay orders: one per group epoch).
    public var isCommit: Bool { group?.contentType == .commit }

    /// Reads the header from the start of an encoded `MLSMessage` with the MLS module's codec
    /// (`WireReader` and the RFC 9420 types `ProtocolVersion`, `MLSWireFormat`, `Sender`,
    /// `ContentType`), stopping after the content type: the rest stays opaque.
    ///
    /// - `version` must be `mls10` (1); other versions are refused at the boundary.
    /// - `mls_public_message`: `FramedContent` = `group_id<V>`, `uint64 epoch`, `Sender`,
    ///   `authenticated_data<V>`, `ContentType`.
    /// - `mls_private_message`: `group_id<V>`, `uint64 epoch`, `ContentType`.
    /// - Other wire formats (Welcome, GroupInfo, KeyPackage, future ones): no group fields.
    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes) throws(MLSFramingHeaderError) {
        var reader = WireReader(Array(bytes))
        do {
            guard try reader.read(ProtocolVersion.self) == .mls10 else { throw MLSFramingHeaderError.unsupportedVersion }
            let format = try reader.read(MLSWireFormat.self)
            wireFormat = format.rawValue
            switch format {
            case .publicMessage:
                let groupID = try reader.readOpaque()
                let epoch = try reader.readUInt64()
                _ = try reader.read(Sender.self)
                _ = try reader.readOpaque()  // authenticated_data
                group = Group(groupID: groupID, epoch: epoch, contentType: Self.contentType(try reader.read(MLS.ContentType.self)))
            case .privateMessage:
                let groupID = try reader.readOpaque()
                let epoch = try reader.readUInt64()
                group = Group(groupID: groupID, epoch: epoch, contentType: Self.contentType(try reader.read(MLS.ContentType.self)))
            default:
                group = nil
            }
        } catch let error as MLSFramingHeaderError {
            throw error
        } catch let error as WireFormatError {
            throw error == .truncated ? .truncated : .malformed
        } catch {
            throw .malformed
        }
        if let group, group.groupID.isEmpty || group.groupID.count > Self.maximumGroupIDLength { throw .malformed }
    }

    /// Group ids are at most this long here (the relay stores them); the spec allows more.
    public static let maximumGroupIDLength = 255

    private static func contentType(_ type: MLS.ContentType) -> ContentType {
        switch type {
        case .application: .application
        case .proposal: .proposal
        case .commit: .commit
        }
    }
}

/// Why bytes are not a readable MLS framing header. Closed: RFC 9420 fixes what can go wrong here.
public enum MLSFramingHeaderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message ends before the header does.
    case truncated
    /// A field breaks RFC 9420's encoding rules (bad length prefix, unknown sender or content type,
    /// empty or oversized group id).
    case malformed
    /// `version` is not `mls10`.
    case unsupportedVersion

    public var description: String {
        switch self {
        case .truncated: "MLS message is truncated"
        case .malformed: "MLS message header is malformed"
        case .unsupportedVersion: "MLS protocol version is not supported"
        }
    }
}
