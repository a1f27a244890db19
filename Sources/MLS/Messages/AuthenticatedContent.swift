import WireFormat

/// A FramedContent with its authentication and the wire format it is sent in
/// (RFC 9420 §6, `AuthenticatedContent`): the input of ProposalRef and of the
/// confirmed transcript hash.
public struct AuthenticatedContent: Hashable, Sendable {
    public var wireFormat: MLSWireFormat
    public var content: FramedContent
    public var auth: FramedContentAuthData

    public init(wireFormat: MLSWireFormat, content: FramedContent, auth: FramedContentAuthData) {
        self.wireFormat = wireFormat
        self.content = content
        self.auth = auth
    }
}
