public import Foundation

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
    /// Their account's delivery token: authorises sealed sends (the relay sees it).
    public var deliveryToken: Data?
    /// Their account's contact secret: the key material of envelopes sealed to them (the relay
    /// never sees it). Set together with ``deliveryToken``.
    public var contactSecret: Data?
    /// The device set we last accepted for them (the "known set" of the change warning).
    public var devices: [DeviceInfo]
    public var addedAt: Date
    /// When the relay last showed a device set different from ``devices``; nil when they agree.
    public var devicesChangedAt: Date?
    /// The signed `sentAt` of the newest card accepted from them: an older one is a replay.
    public var lastCardSentAt: Int64?

    public init(
        accountID: String, username: String?, state: State, deliveryToken: Data?, contactSecret: Data? = nil, devices: [DeviceInfo],
        addedAt: Date, devicesChangedAt: Date?
    ) {
        self.contactSecret = contactSecret
        self.accountID = accountID
        self.username = username
        self.state = state
        self.deliveryToken = deliveryToken
        self.devices = devices
        self.addedAt = addedAt
        self.devicesChangedAt = devicesChangedAt
    }
}
