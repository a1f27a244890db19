/// A Commit this member sent, waiting for the Delivery Service's answer: the epoch it leads
/// to is computed when the Commit is created, installed by ``MLSGroup/mergePendingCommit()``
/// when the relay accepts the Commit, dropped by ``MLSGroup/discardPendingCommit()`` (or by
/// processing another member's Commit for the same epoch) when the relay reports a conflict.
///
/// Part of the serialized state (format version 2), so that a client can save the group
/// *before* it sends the Commit and, after a crash, send the very same Commit again and merge
/// or discard it on the answer.
struct PendingCommit: Sendable {
    /// The Commit as sent (a PublicMessage or PrivateMessage of the current epoch).
    var message: MLSMessage
    /// The epoch after the Commit.
    var next: EpochState
    /// What the Commit changes, returned on merge.
    var summary: CommitSummary
    /// The next epoch's status (a ReInit makes the group inactive once merged).
    var reInit: ReInit?
    /// The Welcome for the added members, released by the merge.
    var welcome: MLSMessage?
}
