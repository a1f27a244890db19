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

/// The signed part of an envelope.
public struct EnvelopeContent: Sendable, Hashable, Codable {
    /// Closed per envelope version; an unknown kind is refused at decoding.
    public enum Kind: String, Sendable, Codable {
        /// Clear, identified first contact (by username): a card without token.
        case contactRequest = "contact-request"
        /// The answer to a request, sent back as a request, HPKE-sealed: a card with token.
        case contactAccept = "contact-accept"
        /// First message of an invite-link holder, sealed under the inviter's token: card with token.
        case contactIntroduction = "contact-introduction"
        /// A card between contacts (closing an accept or introduction): card with token.
        case contactCard = "contact-card"
        case linkOffer = "link-offer"
        case linkProof = "link-proof"
        case linkComplete = "link-complete"
    }

    public var kind: Kind
    public var senderAccount: String
    public var senderDevice: String
    /// Binds the envelope to one recipient account: a card cannot be replayed to someone else.
    public var recipientAccount: String
    /// Unix seconds.
    public var sentAt: Int64
    public var card: ContactCard?
    public var link: LinkMessage?

    public init(
        kind: Kind, senderAccount: String, senderDevice: String, recipientAccount: String, sentAt: Int64, card: ContactCard? = nil,
        link: LinkMessage? = nil
    ) {
        self.kind = kind
        self.senderAccount = senderAccount
        self.senderDevice = senderDevice
        self.recipientAccount = recipientAccount
        self.sentAt = sentAt
        self.card = card
        self.link = link
    }
}
