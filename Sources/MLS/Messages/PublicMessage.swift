import WireFormat

/// A signed, unencrypted handshake message (RFC 9420 §6.2, `PublicMessage`).
public struct PublicMessage: Hashable, Sendable {
    public var content: FramedContent
    public var auth: FramedContentAuthData
    /// `MAC membership_tag`: present exactly when the sender is a member.
    public var membershipTag: [UInt8]?

    public init(content: FramedContent, auth: FramedContentAuthData, membershipTag: [UInt8]?) {
        self.content = content
        self.auth = auth
        self.membershipTag = membershipTag
    }
}
