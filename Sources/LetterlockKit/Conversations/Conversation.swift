public import Foundation

/// One conversation as this device stores it: an MLS group (1:1 chats are groups too).
public struct Conversation: Sendable, Hashable, Codable {
    /// The MLS group id, hex (16 random bytes).
    public var id: String
    public var kind: ConversationKind
    /// Groups: the name members gave it (travels encrypted). 1:1: nil.
    public var name: String?
    /// 1:1: the other account.
    public var peerAccount: String?
    /// Member accounts (from the MLS tree: every leaf's credential), this account included.
    public var members: [String]
    public var epoch: UInt64
    /// False once this device was removed or left.
    public var active: Bool
    public var createdAt: Date
}

/// One message of a conversation's history on this device.
public struct ConversationEntry: Sendable, Hashable, Codable {
    /// Local order (ascending as messages are stored).
    public var sequence: Int64
    public var conversationID: String
    public var messageID: String
    public var senderAccount: String
    public var senderDevice: String
    public var kind: ConversationMessage.Kind
    public var text: String?
    public var name: String?
    /// `file` messages: the manifest's file name and size (the manifest itself stays in the store).
    public var fileName: String?
    public var fileSize: Int64?
    public var sentAt: Date
    public var receivedAt: Date
    /// True for messages this device sent.
    public var outgoing: Bool
}
