import WireFormat

/// The plaintext inside a PrivateMessage's `ciphertext` (RFC 9420 §6.3.1,
/// `PrivateMessageContent`): the content, its auth data and zero padding.
public struct PrivateMessageContent: Hashable, Sendable {
    public var body: FramedContent.Body
    public var auth: FramedContentAuthData
    /// The number of zero bytes of padding.
    public var paddingLength: Int

    public init(body: FramedContent.Body, auth: FramedContentAuthData, paddingLength: Int = 0) {
        self.body = body
        self.auth = auth
        self.paddingLength = paddingLength
    }
}
