public import Foundation

/// This device as the relay knows it: public values only.
public struct DeviceIdentity: Sendable, Hashable, Codable {
    public var relayURL: String
    public var accountID: String
    public var deviceID: String
    public var username: String?
    /// Ed25519, registered with the relay: signs requests and envelopes.
    public var signingPublicKey: Data
    /// X25519: other devices encrypt envelopes to it (HPKE).
    public var agreementPublicKey: Data
    public var createdAt: Date
}

/// The secret half of this device's state. Sealed under the passphrase when one is set.
struct DeviceSecrets: Codable, Sendable {
    var signingKey: Data
    var agreementKey: Data
    /// The account's current delivery token (shared by its devices and given to contacts).
    var deliveryToken: Data?
    /// The account's current contact secret (shared by its devices, given to contacts, never
    /// sent to the relay): envelopes sealed to this account are encrypted under it.
    var contactSecret: Data?
}
