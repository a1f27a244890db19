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

    /// Reads the header from the start of an encoded `MLSMessage`.
    ///
    /// - `version` must be `mls10` (1); other versions are refused at the boundary.
    /// - `mls_public_message`: `FramedContent` = `group_id<V>`, `uint64 epoch`, `Sender`,
    ///   `authenticated_data<V>`, `ContentType`.
    /// - `mls_private_message`: `group_id<V>`, `uint64 epoch`, `ContentType`.
    /// - Other wire formats (Welcome, GroupInfo, KeyPackage, future ones): no group fields.
    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes) throws(MLSFramingHeaderError) {
        var reader = Reader(Array(bytes))
        let version = try reader.uint16()
        guard version == 1 else { throw .unsupportedVersion }
        wireFormat = try reader.uint16()
        switch wireFormat {
        case Self.publicMessage:
            let groupID = try reader.vector()
            let epoch = try reader.uint64()
            let senderType = try reader.uint8()
            switch senderType {
            case 1, 2: _ = try reader.uint32()  // member leaf_index / external sender_index
            case 3, 4: break  // new_member_proposal / new_member_commit
            default: throw .malformed
            }
            _ = try reader.vector()  // authenticated_data
            group = Group(groupID: groupID, epoch: epoch, contentType: try Self.contentType(reader.uint8()))
        case Self.privateMessage:
            let groupID = try reader.vector()
            let epoch = try reader.uint64()
            group = Group(groupID: groupID, epoch: epoch, contentType: try Self.contentType(reader.uint8()))
        default:
            group = nil
        }
        if let group, group.groupID.isEmpty || group.groupID.count > Self.maximumGroupIDLength { throw .malformed }
    }

    /// Group ids are at most this long here (the relay stores them); the spec allows more.
    public static let maximumGroupIDLength = 255

    private static func contentType(_ raw: UInt8) throws(MLSFramingHeaderError) -> ContentType {
        guard let type = ContentType(rawValue: raw) else { throw .malformed }
        return type
    }

    /// A bounds-checked reader of TLS presentation language integers and `<V>` vectors.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func take(_ count: Int) throws(MLSFramingHeaderError) -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - index >= count else { throw .truncated }
            defer { index += count }
            return bytes[index..<index + count]
        }

        mutating func uint8() throws(MLSFramingHeaderError) -> UInt8 {
            let byte = try take(1)
            return byte[byte.startIndex]
        }

        mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(MLSFramingHeaderError) -> T {
            try take(MemoryLayout<T>.size).reduce(T(0)) { $0 << 8 | T($1) }
        }

        mutating func uint16() throws(MLSFramingHeaderError) -> UInt16 { try integer(UInt16.self) }
        mutating func uint32() throws(MLSFramingHeaderError) -> UInt32 { try integer(UInt32.self) }
        mutating func uint64() throws(MLSFramingHeaderError) -> UInt64 { try integer(UInt64.self) }

        /// RFC 9420 §2.1.2: a variable-size length (1, 2 or 4 bytes, minimum encoding) then the bytes.
        mutating func vector() throws(MLSFramingHeaderError) -> [UInt8] {
            let first = try uint8()
            let prefix = first >> 6
            guard prefix != 3 else { throw .malformed }
            let length = 1 << Int(prefix)
            var value = UInt32(first & 0x3f)
            for _ in 1..<length { value = value << 8 | UInt32(try uint8()) }
            if prefix >= 1, value < (UInt32(1) << (8 * UInt32(length / 2) - 2)) { throw .malformed }
            return Array(try take(Int(value)))
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
