import WireFormat

/// A signed and encrypted message (RFC 9420 §6.3, `PrivateMessage`).
public struct PrivateMessage: Hashable, Sendable {
    public var groupID: [UInt8]
    public var epoch: UInt64
    public var contentType: ContentType
    public var authenticatedData: [UInt8]
    public var encryptedSenderData: [UInt8]
    public var ciphertext: [UInt8]

    public init(
        groupID: [UInt8],
        epoch: UInt64,
        contentType: ContentType,
        authenticatedData: [UInt8],
        encryptedSenderData: [UInt8],
        ciphertext: [UInt8]
    ) {
        self.groupID = groupID
        self.epoch = epoch
        self.contentType = contentType
        self.authenticatedData = authenticatedData
        self.encryptedSenderData = encryptedSenderData
        self.ciphertext = ciphertext
    }
}
