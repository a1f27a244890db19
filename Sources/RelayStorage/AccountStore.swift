import Foundation

/// Accounts and their optional usernames.
public protocol AccountStore: Sendable {
    /// Creates an account together with its first device, atomically.
    /// - Throws: ``RelayStorageError/accountExists``, ``RelayStorageError/deviceExists``,
    ///   ``RelayStorageError/usernameTaken``.
    func createAccount(_ account: Account, firstDevice: Device) async throws

    func account(_ id: AccountID) async throws -> Account?

    /// Sets (or with nil clears) the account's username. Usernames are unique.
    /// - Throws: ``RelayStorageError/usernameTaken``, ``RelayStorageError/unknownAccount``.
    func setUsername(_ username: String?, for id: AccountID) async throws

    /// Exact lookup only: there is no search or prefix listing.
    func accountID(forUsername username: String) async throws -> AccountID?

    /// Erases the account and everything it owns: devices, key packages, mailboxes, delivery
    /// token, its blocks, and the requests it sent that are still queued. Idempotent.
    func deleteAccount(_ id: AccountID) async throws
}
