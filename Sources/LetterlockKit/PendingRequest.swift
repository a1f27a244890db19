public import Foundation

/// A message request waiting for an answer.
public struct PendingRequest: Sendable, Hashable, Codable {
    /// The relay's mailbox entry id; answers name it.
    public var entryID: Int64
    public var senderAccount: String
    /// The card's username, only if the relay's lookup confirms it is the sender's.
    public var senderUsername: String?
    /// As the sender wrote it: its username is a claim (see ``senderUsername``).
    public var card: ContactCard
    public var receivedAt: Date
    /// The texts of the first message the sender wrote with the request (``FirstMessage``),
    /// decrypted on this device; the conversation starts with them on accept.
    public var firstMessages: [String] = []
}
