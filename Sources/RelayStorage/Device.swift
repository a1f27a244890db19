public import Foundation

/// A device of an account, identified to the relay by its Ed25519 public key.
public struct Device: Hashable, Sendable {
    public var id: DeviceID
    public var accountID: AccountID
    /// Raw Ed25519 public key (32 bytes); it verifies every request the device makes.
    public var publicKey: Data
    public var createdAt: Date

    public init(id: DeviceID, accountID: AccountID, publicKey: Data, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.publicKey = publicKey
        self.createdAt = createdAt
    }
}
