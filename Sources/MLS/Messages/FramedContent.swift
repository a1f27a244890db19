import WireFormat

/// The content of a handshake or application message with its framing (RFC 9420 §6,
/// `FramedContent`).
public struct FramedContent: Hashable, Sendable {
    /// The `select (content_type)` of FramedContent and PrivateMessageContent.
    public enum Body: Hashable, Sendable {
        case application([UInt8])
        case proposal(Proposal)
        case commit(Commit)

        /// Bytes to reserve when encoding the body: exact for application data (plus its
        /// header), a small guess for proposals and commits (the writer grows if needed).
        var sizeHint: Int {
            if case .application(let data) = self { return data.count + 4 }
            return 256
        }

        /// The content type this body is sent as.
        public var contentType: ContentType {
            switch self {
            case .application: .application
            case .proposal: .proposal
            case .commit: .commit
            }
        }
    }

    public var groupID: [UInt8]
    public var epoch: UInt64
    public var sender: Sender
    public var authenticatedData: [UInt8]
    public var body: Body

    public init(groupID: [UInt8], epoch: UInt64, sender: Sender, authenticatedData: [UInt8], body: Body) {
        self.groupID = groupID
        self.epoch = epoch
        self.sender = sender
        self.authenticatedData = authenticatedData
        self.body = body
    }

    /// The content type of ``body``.
    public var contentType: ContentType { body.contentType }
}
