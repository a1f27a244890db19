import WireFormat

/// The message that brings new members into a group (RFC 9420 §12.4.3.1, `Welcome`).
public struct Welcome: Hashable, Sendable {
    public var cipherSuite: CipherSuite
    public var secrets: [EncryptedGroupSecrets]
    /// The GroupInfo, encrypted with the key and nonce derived from the welcome secret.
    public var encryptedGroupInfo: [UInt8]

    public init(cipherSuite: CipherSuite, secrets: [EncryptedGroupSecrets], encryptedGroupInfo: [UInt8]) {
        self.cipherSuite = cipherSuite
        self.secrets = secrets
        self.encryptedGroupInfo = encryptedGroupInfo
    }
}
