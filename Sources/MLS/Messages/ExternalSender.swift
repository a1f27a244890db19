import WireFormat

/// One entry of the `external_senders` GroupContext extension (RFC 9420 §12.1.8.1): a party
/// outside the group allowed to send proposals. The extension's data is `ExternalSender external_senders<V>`.
public struct ExternalSender: Hashable, Sendable {
    public var signatureKey: [UInt8]
    public var credential: Credential

    public init(signatureKey: [UInt8], credential: Credential) {
        self.signatureKey = signatureKey
        self.credential = credential
    }
}
