public import Foundation

/// Blocks an account has placed on other accounts; the relay enforces them for requests, inside
/// the delivery's own job (``MailboxStore/deliver(_:)``), so there is no separate "is blocked"
/// query to race with it.
public protocol BlockStore: Sendable {
    /// Idempotent. - Throws: ``RelayStorageError/unknownAccount`` for an unknown blocker.
    func block(_ blocked: AccountID, by blocker: AccountID, at date: Date) async throws
    /// Idempotent.
    func unblock(_ blocked: AccountID, by blocker: AccountID) async throws
    /// The accounts `blocker` has blocked, in id order.
    func blockedAccounts(by blocker: AccountID) async throws -> [AccountID]
}
