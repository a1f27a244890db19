public import Foundation

/// A stable, never reused id of one mailbox entry. Ids grow in arrival order, so a device's
/// entries sorted by id are in the order the relay accepted them. Clients drop duplicates by id.
public struct MailboxEntryID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The two queues of a device's mailbox.
public enum MailboxQueue: Int, Hashable, Sendable, CaseIterable, Codable {
    /// Sealed deliveries from contacts: the relay does not know who sent them.
    case inbox = 0
    /// First-contact requests from identified senders, kept apart until the recipient answers.
    case requests = 1
}

/// One opaque payload waiting in one device's mailbox.
public struct MailboxEntry: Hashable, Sendable {
    public var id: MailboxEntryID
    public var deviceID: DeviceID
    public var queue: MailboxQueue
    public var payload: Data
    /// The identified sender of a request; always nil in the inbox (sealed delivery).
    public var sender: AccountID?
    public var receivedAt: Date
    public var expiresAt: Date

    public init(
        id: MailboxEntryID, deviceID: DeviceID, queue: MailboxQueue, payload: Data, sender: AccountID?, receivedAt: Date,
        expiresAt: Date
    ) {
        self.id = id
        self.deviceID = deviceID
        self.queue = queue
        self.payload = payload
        self.sender = sender
        self.receivedAt = receivedAt
        self.expiresAt = expiresAt
    }
}
