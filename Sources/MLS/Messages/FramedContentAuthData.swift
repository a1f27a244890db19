import WireFormat

/// The authentication of a FramedContent (RFC 9420 §6.1, `FramedContentAuthData`): the
/// sender's signature and, for a Commit, the confirmation tag.
public struct FramedContentAuthData: Hashable, Sendable {
    /// `SignWithLabel(., "FramedContentTBS", FramedContentTBS)`.
    public var signature: [UInt8]
    /// `MAC confirmation_tag`: present exactly when the content is a Commit.
    public var confirmationTag: [UInt8]?

    public init(signature: [UInt8], confirmationTag: [UInt8]?) {
        self.signature = signature
        self.confirmationTag = confirmationTag
    }
}
