import WireFormat

/// An HPKE ciphertext (RFC 9420 §7.6, `HPKECiphertext`): the KEM output and the AEAD ciphertext
/// of `EncryptWithLabel`.
public struct HPKECiphertext: Hashable, Sendable {
    public var kemOutput: [UInt8]
    public var ciphertext: [UInt8]

    public init(kemOutput: [UInt8], ciphertext: [UInt8]) {
        self.kemOutput = kemOutput
        self.ciphertext = ciphertext
    }
}
