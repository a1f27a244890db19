public import Foundation

/// Durable per-device mailboxes holding opaque payloads until acknowledged or expired.
public protocol MailboxStore: Sendable {
    /// Stores one payload for every recipient, atomically (all or none). With a commit claim, the
    /// claims (one per recipient device, see ``CommitClaim``) are taken in the same transaction.
    /// - Throws: ``RelayStorageError/unknownDevice`` if any recipient does not exist,
    ///   ``RelayStorageError/commitConflict`` if another commit holds the epoch for a recipient,
    ///   ``RelayStorageError/commitEpochAhead``, ``RelayStorageError/mailboxFull``,
    ///   ``RelayStorageError/recipientNotAuthorized``.
    /// - Parameter stored: called once with the new entries (in the order of the recipients) when
    ///   the delivery stored any, after they are durable and before this call returns. Calls for
    ///   entries of one device are made in ascending id order, one after another, so a listener
    ///   can hand entries to a connected device in order without reading them back. It runs
    ///   inside the store's commit path: it must be quick and must not call the store.
    func deliver(_ delivery: Delivery, stored: (@Sendable ([MailboxEntry]) -> Void)?) async throws -> DeliveryOutcome

    /// The device's entries in one queue with ids greater than `after`, ascending by id.
    func entries(for device: DeviceID, queue: MailboxQueue, after: MailboxEntryID?, limit: Int) async throws -> [MailboxEntry]

    /// One entry of the device, in either queue.
    func entry(_ id: MailboxEntryID, for device: DeviceID) async throws -> MailboxEntry?

    /// Deletes the device's entries with these ids (unknown ids are ignored); returns how many
    /// were deleted. A payload is erased once no entry refers to it.
    func acknowledge(_ ids: [MailboxEntryID], for device: DeviceID) async throws -> Int

    /// ``acknowledge(_:for:)`` without waiting: `completion` gets the count once the deletion is
    /// durable, or the error. It may run on the store's own thread: it must be quick and must
    /// not wait on the store.
    func acknowledge(_ ids: [MailboxEntryID], for device: DeviceID, completion: @escaping @Sendable (Result<Int, any Error>) -> Void)

    /// Deletes every queued request from `sender` to any device of `recipient` (used on block).
    func removeRequests(from sender: AccountID, to recipient: AccountID) async throws -> Int

    /// How many entries wait in the device's queues.
    func mailboxDepth(of device: DeviceID) async throws -> Int

    /// Deletes entries and commit claims whose expiry is at or before `now`; returns the number
    /// of entries deleted.
    func expireEntries(now: Date) async throws -> Int
}

extension MailboxStore {
    /// Runs ``acknowledge(_:for:)`` in a task: for stores without a cheaper way.
    public func acknowledge(_ ids: [MailboxEntryID], for device: DeviceID, completion: @escaping @Sendable (Result<Int, any Error>) -> Void) {
        Task {
            do { completion(.success(try await acknowledge(ids, for: device))) } catch { completion(.failure(error)) }
        }
    }

    /// ``deliver(_:stored:)`` without a listener.
    public func deliver(_ delivery: Delivery) async throws -> DeliveryOutcome {
        try await deliver(delivery, stored: nil)
    }
}
