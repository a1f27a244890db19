public import Foundation

/// The device-linking messages (see `LetterlockClient+Linking.swift` for the flow).
public struct LinkMessage: Sendable, Hashable, Codable {
    /// The random value from the join code, echoed in every message of one linking.
    public var pairing: Data
    /// Offer: the account being joined. Complete: the same.
    public var accountID: String?
    /// Offer: the offering device (signing and agreement keys).
    public var offeringDevice: DeviceInfo?
    /// Offer and complete: the account's delivery token.
    public var deliveryToken: Data?
    /// Offer and complete: the account's contact secret.
    public var contactSecret: Data?
    /// Proof: the new device's signature over `RequestSigning.addDeviceProof`.
    public var proof: Data?
    /// Complete: the id the relay gave the new device.
    public var deviceID: String?
    /// Complete: the account's username, devices, contacts and blocks.
    public var username: String?
    public var devices: [DeviceInfo]?
    public var contacts: [Contact]?
    public var blocks: [String]?

    public init(pairing: Data) { self.pairing = pairing }
}
