/// The signed part of an envelope (``Envelope``): who sends, to whom, and what.
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
    /// Only in a `contact-request`: the first messages of a conversation with the recipient,
    /// encrypted to the recipient's devices (``FirstMessage``).
    public var firstMessage: FirstMessage?

    public init(
        kind: Kind, senderAccount: String, senderDevice: String, recipientAccount: String, sentAt: Int64, card: ContactCard? = nil,
        link: LinkMessage? = nil, firstMessage: FirstMessage? = nil
    ) {
        self.kind = kind
        self.senderAccount = senderAccount
        self.senderDevice = senderDevice
        self.recipientAccount = recipientAccount
        self.sentAt = sentAt
        self.card = card
        self.link = link
        self.firstMessage = firstMessage
    }
}
