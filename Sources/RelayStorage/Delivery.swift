public import Foundation

/// One send: one opaque payload for many recipient devices, stored atomically (all or none).
public struct Delivery: Sendable {
    public var recipients: [DeviceID]
    public var payload: Data
    public var queue: MailboxQueue
    /// The identified sender, for ``MailboxQueue/requests`` only.
    public var sender: AccountID?
    public var receivedAt: Date
    public var expiresAt: Date
    /// Set for an MLS commit: the store admits one commit per (group id, epoch).
    public var commit: CommitClaim?
    /// When set, the delivery is refused (``RelayStorageError/mailboxFull``, nothing stored) if a
    /// recipient's queue already holds this many entries: one sender cannot fill the disk.
    public var mailboxLimit: Int?

    public init(
        recipients: [DeviceID], payload: Data, queue: MailboxQueue, sender: AccountID? = nil, receivedAt: Date, expiresAt: Date,
        commit: CommitClaim? = nil, mailboxLimit: Int? = nil
    ) {
        self.recipients = recipients
        self.payload = payload
        self.queue = queue
        self.sender = sender
        self.receivedAt = receivedAt
        self.expiresAt = expiresAt
        self.commit = commit
        self.mailboxLimit = mailboxLimit
    }
}

/// The claim a commit makes on its group's epoch (RFC 9750 §5.2.1, "strongly consistent"):
/// the first commit for an epoch wins; a different one for the same epoch is refused. Once a
/// group has claims, a claim beyond its highest claimed epoch + 1 is refused
/// (``RelayStorageError/commitEpochAhead``), so nobody can claim a group's future epochs in one
/// go. The header is unauthenticated, so this only slows a griefer down; checking that the
/// committer is a member is still to do (docs/relay.md).
public struct CommitClaim: Hashable, Sendable {
    public var groupID: Data
    public var epoch: UInt64
    /// SHA-256 of the commit's bytes: the same commit sent again (a retry) is recognised.
    public var payloadHash: Data
    /// The claim is kept while its messages may still be queued.
    public var expiresAt: Date

    public init(groupID: Data, epoch: UInt64, payloadHash: Data, expiresAt: Date) {
        self.groupID = groupID
        self.epoch = epoch
        self.payloadHash = payloadHash
        self.expiresAt = expiresAt
    }
}

/// What a delivery did.
public enum DeliveryOutcome: Hashable, Sendable {
    /// Stored: one new entry per recipient, in the order of ``Delivery/recipients``.
    case delivered([MailboxEntryID])
    /// The very same commit was already accepted for this epoch: nothing stored again.
    case duplicateCommit
}
