/// Text frames on `/v1/websocket` (JSON, one object per frame, discriminated by `type`).
///
/// Relay → device: `challenge` (first frame), `ready` (after a valid `auth`), `entry`, `error`.
/// Device → relay: `auth` (once, answering the challenge), `ack`.
public struct PushFrame: Codable, Sendable, Equatable {
    public var type: String
    /// `challenge`: the nonce to sign.
    public var nonce: String?
    /// `auth`: the device id and its signature over ``RequestSigning/webSocketChallenge(authority:nonce:device:)`` (base64url).
    public var deviceID: String?
    public var signature: String?
    /// `entry`: one mailbox entry.
    public var entry: MailboxEntryBody?
    /// `ack`: entry ids to delete.
    public var ids: [Int64]?
    /// `error`: a stable code.
    public var code: String?

    public init(
        type: String, nonce: String? = nil, deviceID: String? = nil, signature: String? = nil, entry: MailboxEntryBody? = nil,
        ids: [Int64]? = nil, code: String? = nil
    ) {
        self.type = type
        self.nonce = nonce
        self.deviceID = deviceID
        self.signature = signature
        self.entry = entry
        self.ids = ids
        self.code = code
    }
}
