public import Foundation

/// One send: one opaque payload for many recipient devices, stored atomically (all or none).
public struct Delivery: Sendable {
    public var recipients: [DeviceID]
    public var payload: Data
    public var queue: MailboxQueue
    /// The identified sender, for ``MailboxQueue/requests`` only. A request whose sender the
    /// recipients' account has blocked passes every check a stored one passes (devices, limits),
    /// then is dropped in the same transaction, answered as delivered with no entries: the
    /// answer, and the time it takes, never tell the sender about the block (review H3,
    /// session 4 review H1).
    public var sender: AccountID?
    public var receivedAt: Date
    public var expiresAt: Date
    /// Set for an MLS commit: the store admits one commit per (group id, epoch).
    public var commit: CommitClaim?
    /// When set, the delivery is refused (``RelayStorageError/mailboxFull``, nothing stored) if a
    /// recipient's queue already holds this many entries: one sender cannot fill the disk.
    public var mailboxLimit: Int?
    /// When set, the delivery is refused (``RelayStorageError/mailboxFull``, nothing stored) if
    /// it would bring the payload bytes queued for any recipient *account* (all its devices,
    /// both queues, each entry counted at its payload's full size) above this many (review M4).
    public var accountByteLimit: Int64?
    /// For a sealed send: the SHA-256 of the delivery token presented for each recipient, in the
    /// order of ``recipients``. When set, the delivery is refused whole
    /// (``RelayStorageError/recipientNotAuthorized``, nothing stored) unless each recipient's
    /// account holds a current token with exactly this hash. The check runs in the delivery's own
    /// transaction, so a token rotated (revoked) or an account deleted at the same moment can
    /// never let one more message through.
    public var deliveryTokenHashes: [Data]?

    public init(
        recipients: [DeviceID], payload: Data, queue: MailboxQueue, sender: AccountID? = nil, receivedAt: Date, expiresAt: Date,
        commit: CommitClaim? = nil, mailboxLimit: Int? = nil, accountByteLimit: Int64? = nil, deliveryTokenHashes: [Data]? = nil
    ) {
        self.recipients = recipients
        self.payload = payload
        self.queue = queue
        self.sender = sender
        self.receivedAt = receivedAt
        self.expiresAt = expiresAt
        self.commit = commit
        self.mailboxLimit = mailboxLimit
        self.accountByteLimit = accountByteLimit
        self.deliveryTokenHashes = deliveryTokenHashes
    }

    /// Whether `presented` equals `expected`, in time that depends only on their lengths (token
    /// hashes are secrets' images: no early exit on the first differing byte).
    static func tokenHashMatches(_ presented: Data, _ expected: Data?) -> Bool {
        guard let expected, presented.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(presented, expected) { difference |= x ^ y }
        return difference == 0
    }
}

/// The claim a commit makes on its group's epoch (RFC 9750 §5.2.1, "strongly consistent"), held
/// per recipient device: the group id and epoch come from an unauthenticated header, so a claim
/// binds only the devices the commit was delivered to (review H2). For each recipient, the
/// first commit for (group id, epoch) wins; a delivery of a different commit for that epoch to
/// any device already holding a claim is refused whole (``RelayStorageError/commitConflict``).
/// The same commit sent again is delivered only to recipients not yet served with it
/// (review M5). A claim more than one epoch past the highest claim any recipient holds for the
/// group is refused (``RelayStorageError/commitEpochAhead``). Clients address every commit to
/// every device of the group *including the committer's own*, and merge it when it comes back:
/// then two racing commits always share a recipient and exactly one wins.
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
    /// Stored: one new entry per recipient, in the order of ``Delivery/recipients``, leaving
    /// out recipients already served with the very same commit. Empty for a request from a
    /// blocked sender (dropped, see ``Delivery/sender``).
    case delivered([MailboxEntryID])
    /// The very same commit was already delivered to every recipient: nothing stored again.
    case duplicateCommit
}
