public import Foundation

/// A message request waiting for an answer.
public struct PendingRequest: Sendable, Hashable, Codable {
    /// The relay's mailbox entry id; answers name it.
    public var entryID: Int64
    public var senderAccount: String
    public var senderUsername: String?
    public var card: ContactCard
    public var receivedAt: Date
}
