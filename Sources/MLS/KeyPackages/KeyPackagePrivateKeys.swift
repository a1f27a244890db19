/// The private keys behind one KeyPackage (RFC 9420 §10): the HPKE `init_key` a Welcome is
/// encrypted to, the leaf's HPKE `encryption_key`, and the signature key of the leaf.
///
/// Each key is held as a swift-crypto key object, whose storage is zeroed when freed (the same
/// guarantee as ``Secret``); their serialized forms are only ever handed out as ``Secret``s, for
/// storing until the KeyPackage is used. Nothing here prints key material: `description` names
/// the algorithms only.
///
/// RFC 9420 §16.8: delete the `init_key` private key once the Welcome that used it is processed.
/// Keeping this value around past that point keeps the key alive.
public struct KeyPackagePrivateKeys: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The private key of `init_key` (decrypts the Welcome's group secrets).
    public let initKey: HPKEPrivateKey
    /// The private key of `leaf_node.encryption_key` (the member's leaf in the ratchet tree).
    public let encryptionKey: HPKEPrivateKey
    /// The private key of `leaf_node.signature_key`.
    public let signatureKey: SignaturePrivateKey

    public init(initKey: HPKEPrivateKey, encryptionKey: HPKEPrivateKey, signatureKey: SignaturePrivateKey) {
        self.initKey = initKey
        self.encryptionKey = encryptionKey
        self.signatureKey = signatureKey
    }

    /// Restores the keys from their serialized forms (``HPKEPrivateKey/serialized``,
    /// ``SignaturePrivateKey/serialized``) for the primitives of `crypto`.
    /// - Throws: ``MLSCryptoError/invalidPrivateKey`` when a key is not valid for the suite.
    public init(crypto: CryptoSuite, initKey: Secret, encryptionKey: Secret, signatureKey: Secret) throws(MLSCryptoError) {
        self.initKey = try Self.withWipedCopy(of: initKey) { bytes throws(MLSCryptoError) in
            try HPKEPrivateKey(kem: crypto.kem, serialized: bytes)
        }
        self.encryptionKey = try Self.withWipedCopy(of: encryptionKey) { bytes throws(MLSCryptoError) in
            try HPKEPrivateKey(kem: crypto.kem, serialized: bytes)
        }
        self.signatureKey = try Self.withWipedCopy(of: signatureKey) { bytes throws(MLSCryptoError) in
            try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: bytes)
        }
    }

    public var description: String {
        "KeyPackagePrivateKeys(\(initKey.kem), \(signatureKey.scheme))"
    }

    public var debugDescription: String { description }

    /// Calls `body` with a copy of the secret's bytes and wipes the copy afterwards (the key
    /// constructors copy into their own zeroed storage).
    private static func withWipedCopy<R>(of secret: Secret, _ body: ([UInt8]) throws(MLSCryptoError) -> R) throws(MLSCryptoError) -> R {
        var bytes = secret.exportedBytes
        defer { Zeroize.bytes(&bytes) }
        return try body(bytes)
    }
}
