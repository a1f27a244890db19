public import Foundation

/// Blocks an account has placed on other accounts; the relay enforces them for requests.
public protocol BlockStore: Sendable {
    /// Idempotent. - Throws: ``RelayStorageError/unknownAccount`` for an unknown blocker.
    func block(_ blocked: AccountID, by blocker: AccountID, at date: Date) async throws
    /// Idempotent.
    func unblock(_ blocked: AccountID, by blocker: AccountID) async throws
    func isBlocked(_ blocked: AccountID, by blocker: AccountID) async throws -> Bool
    /// The accounts `blocker` has blocked, in id order.
    func blockedAccounts(by blocker: AccountID) async throws -> [AccountID]
}
