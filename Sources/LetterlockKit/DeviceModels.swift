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
}

/// One device of an account, as a card or the key directory describes it.
public struct DeviceInfo: Sendable, Hashable, Codable {
    public var deviceID: String
    public var signingKey: Data
    /// Known only from a signed contact card (the relay's directory has no agreement keys).
    public var agreementKey: Data?

    public init(deviceID: String, signingKey: Data, agreementKey: Data? = nil) {
        self.deviceID = deviceID
        self.signingKey = signingKey
        self.agreementKey = agreementKey
    }
}

/// Someone this device talks to, or asked to talk to.
public struct Contact: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable {
        /// We sent a message request; no answer yet.
        case outgoing
        /// Both sides hold each other's delivery token.
        case accepted
    }

    public var accountID: String
    public var username: String?
    public var state: State
    /// Their account's delivery token, for sealed sends.
    public var deliveryToken: Data?
    /// The device set we last accepted for them (the "known set" of the change warning).
    public var devices: [DeviceInfo]
    public var addedAt: Date
    /// When the relay last showed a device set different from ``devices``; nil when they agree.
    public var devicesChangedAt: Date?
}

/// A message request waiting for an answer.
public struct PendingRequest: Sendable, Hashable, Codable {
    /// The relay's mailbox entry id; answers name it.
    public var entryID: Int64
    public var senderAccount: String
    public var senderUsername: String?
    public var card: ContactCard
    public var receivedAt: Date
}
