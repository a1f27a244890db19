public import Foundation

/// What one account tells another about itself: who it is, which devices speak for it, and
/// (once trusted) the delivery token that lets the other side send to it sealed.
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

    public init(accountID: String, username: String?, devices: [DeviceInfo], deliveryToken: Data?) {
        self.version = Self.currentVersion
        self.accountID = accountID
        self.username = username
        self.devices = devices
        self.deliveryToken = deliveryToken
    }
}
