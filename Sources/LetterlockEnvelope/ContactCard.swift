public import Foundation

/// What one account tells another about itself: who it is, which devices speak for it, and
/// (once trusted) the delivery token and contact secret that let the other side send to it sealed.
///
/// Travels inside an ``Envelope``; signed by the sending device, so its fields are vouched for by
/// a key the key directory lists for ``accountID``.
public struct ContactCard: Sendable, Hashable, Codable {
    public static let currentVersion = 1

    public var version: Int
    public var accountID: String
    public var username: String?
    /// The account's devices, with their agreement keys (the directory has signing keys only).
    public var devices: [DeviceInfo]
    /// Present in accepts and cards between contacts; never in a first-contact request, which
    /// the relay can read.
    public var deliveryToken: Data?
    /// Present exactly when ``deliveryToken`` is: the key material of envelopes sealed to this
    /// account (``Envelope/Protection/contactSecret(_:recipientAccount:)``). Never sent to the
    /// relay in clear.
    public var contactSecret: Data?

    public init(accountID: String, username: String?, devices: [DeviceInfo], deliveryToken: Data?, contactSecret: Data? = nil) {
        self.version = Self.currentVersion
        self.accountID = accountID
        self.username = username
        self.devices = devices
        self.deliveryToken = deliveryToken
        self.contactSecret = contactSecret
    }
}
