public import Foundation

/// The hash of each account's current delivery token: the token itself never reaches storage.
/// A contact presents the token to deliver sealed messages; rotating it revokes the old one.
/// There is no read: the hash is only ever compared, inside the delivery's own transaction
/// (``Delivery/deliveryTokenHashes``).
public protocol DeliveryTokenStore: Sendable {
    /// Replaces the account's token hash (32 bytes, SHA-256).
    /// - Throws: ``RelayStorageError/unknownAccount``, ``RelayStorageError/invalidValue``.
    func setDeliveryTokenHash(_ hash: Data, for account: AccountID, at date: Date) async throws
}
