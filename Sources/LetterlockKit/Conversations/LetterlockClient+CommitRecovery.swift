import Foundation
import MLS
import RelayAPI
import WireFormat

/// Our Commits across crashes (docs/client.md, "Commits and crashes").
///
/// A Commit goes through four steps: (1) the group state with the Commit pending (MLS state
/// format version 2: the Commit as sent and the epoch it leads to) is saved; (2) the Commit is
/// sent to every member device, this one included; (3) on the relay's answer it is merged, or
/// discarded on `commit_conflict`, and the merged state is saved together with the Welcome
/// and `info` still to send; (4) those are sent and their record deleted.
///
/// A crash anywhere leaves a saved state that says what is left: a pending Commit is sent
/// again, byte for byte (the relay delivers the very same Commit to the recipients it has
/// not reached and answers `duplicate`, or answers `commit_conflict` when another Commit won
/// the epoch), or merged when its echo comes back in our mailbox; a pending Welcome is sent.
/// ``receive()`` does this for every conversation, and every commit or send does it for its own
/// conversation first.
extension LetterlockClient {
    enum PendingCommitOutcome {
        case merged(CommitSummary)
        case lost
    }

    /// Sends the pending Commit of `loaded` (saved by the caller) to every member device and
    /// merges it, or discards it if another Commit won the epoch. A transient failure leaves
    /// it pending, saved, for the next attempt.
    func sendPendingCommit(_ loaded: inout LoadedGroup) async throws -> PendingCommitOutcome? {
        guard let message = loaded.group.pendingCommitMessage else { return nil }
        // The relay orders commits per recipient device (docs/relay.md, commit ordering): a
        // Commit goes to every member device, this one included, so that two members committing
        // in the same epoch always share a recipient and the second gets the conflict.
        guard let ownToken = deliveryToken else { throw ConversationError.missingDeliveryToken }
        let recipients = try recipients(loaded.group, loaded.stored) + [(deviceID: identity.deviceID, token: ownToken)]
        do {
            try await deliverToMembers(message, loaded.group, to: recipients)
        } catch let error as RelayClientError where error == .commitConflict || error.code == "commit_epoch_ahead" {
            loaded.group.discardPendingCommit()
            try store.apply(.init(conversation: try record(loaded)))
            return .lost
        }
        try conversationSettings.interruption?(.commitSent)
        let summary = try mergePendingCommit(&loaded)
        try conversationSettings.interruption?(.merged)
        return .merged(summary)
    }

    /// Merges the pending Commit of `loaded` and saves the new epoch, in one transaction with
    /// the Welcome and `info` left to send (and the mailbox entry, when the merge follows the
    /// Commit's echo).
    @discardableResult
    func mergePendingCommit(_ loaded: inout LoadedGroup, processedEntry: Int64? = nil) throws -> CommitSummary {
        let summary = try loaded.group.mergePendingCommit()
        var stored = try record(loaded)
        if summary.hadPath {
            stored.lastUpdateAt = now()
            stored.messagesSinceUpdate = 0
        }
        var pending: DeviceStore.PendingWelcome?
        if !summary.added.isEmpty {
            let recipients = summary.added.compactMap { member in
                LetterlockIdentity(credential: member.credential).map {
                    DeviceStore.PendingWelcome.Recipient(account: Self.hex($0.accountID), device: Self.hex($0.deviceID))
                }
            }
            pending = .init(
                groupID: loaded.id, epoch: summary.epoch,
                sealedWelcome: try summary.welcome.map {
                    try sealer.seal($0.wireBytes, context: "welcome " + loaded.id + " " + String(summary.epoch))
                }, recipients: recipients, sendInfo: true)
        }
        // Our earlier messages went out before this Commit reached the relay: readable.
        try store.apply(
            .init(
                conversation: stored, processedEntry: processedEntry, outboxPruneBelow: (loaded.id, loaded.group.epochNumber),
                pendingWelcome: pending))
        loaded.stored = stored
        return summary
    }

    /// Sends what merged Commits left: each Welcome to its new devices, then the group's `info`
    /// (kind, name, tokens) so they can take part. A Welcome the relay refuses for good (a
    /// device revoked meanwhile) is dropped; a transient failure keeps it for later.
    func sendPendingWelcomes(_ conversationID: String) async throws {
        for var pending in try store.pendingWelcomes(conversationID) {
            if let sealed = pending.sealedWelcome {
                let stored = try loadGroup(conversationID).stored
                let welcome = try MLSMessage(
                    wireBytes: try sealer.open(sealed, context: "welcome " + conversationID + " " + String(pending.epoch)))
                var recipients: [(deviceID: String, token: Data)] = []
                for recipient in pending.recipients {
                    if let token = try token(for: recipient.account, in: stored) { recipients.append((recipient.device, token)) }
                }
                do {
                    try await deliver(welcome, to: recipients)
                } catch let error as RelayClientError where !error.isTransient {
                    // Nothing to retry: the devices are gone or the tokens stale.
                }
                pending.sealedWelcome = nil
                try store.savePendingWelcome(pending)
            }
            if pending.sendInfo { try await sendInfo(conversationID) }
            try store.deletePendingWelcome(groupID: conversationID, epoch: pending.epoch)
        }
    }

    /// Finishes what a crash (or a lost connection) interrupted in this conversation: a pending
    /// Commit is sent again and merged or discarded, then pending Welcomes are sent.
    func resumeInterruptedCommit(_ conversationID: String) async throws {
        var loaded = try loadGroup(conversationID)
        if loaded.group.hasPendingCommit, case .lost = try await sendPendingCommit(&loaded) {
            // Another Commit won the epoch: catch up on it (without committing anything new).
            _ = try await receiveConversations(allowCommits: false)
        }
        try await sendPendingWelcomes(conversationID)
    }
}

/// The steps of a Commit at which a test can stop the client as a crash would: whatever was
/// saved before stays saved, nothing after happens (``ConversationConfiguration/interruption``).
public enum CommitStep: Sendable, Hashable {
    /// The group state with the Commit pending is saved; the Commit is not sent.
    case pendingCommitSaved
    /// The relay accepted the Commit; it is not merged.
    case commitSent
    /// The Commit is merged and saved; its Welcome and `info` are not sent.
    case merged
    /// A Commit is about to wait for a member account's delivery token (another member's
    /// Commit added it; its `info` is on the way). Nothing is saved yet.
    case awaitingMemberToken
    /// The relay took a first message's request; that it was sent is not recorded yet.
    case requestSent
}
