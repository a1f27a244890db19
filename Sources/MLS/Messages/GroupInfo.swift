import WireFormat

/// The state a joiner needs, signed by a member (RFC 9420 §12.4.3, `GroupInfo`).
///
/// Carried encrypted in a Welcome, or in the clear for external joins. Decoding checks
/// syntax only; the signature is verified with the key of leaf `signer` of the validated tree.
public struct GroupInfo: Hashable, Sendable {
    public var groupContext: GroupContext
    /// Extensions for joiners (`ratchet_tree`, `external_pub`, …); unknown ones are ignored.
    public var extensions: [Extension]
    public var confirmationTag: [UInt8]
    /// The leaf index of the member who signed.
    public var signer: UInt32
    /// `SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)`.
    public var signature: [UInt8]

    public init(groupContext: GroupContext, extensions: [Extension], confirmationTag: [UInt8], signer: UInt32, signature: [UInt8]) {
        self.groupContext = groupContext
        self.extensions = extensions
        self.confirmationTag = confirmationTag
        self.signer = signer
        self.signature = signature
    }
}
