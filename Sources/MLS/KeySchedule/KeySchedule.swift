/// The MLS key schedule (RFC 9420 §8): from the previous epoch's `init_secret`, the commit secret,
/// the PSK secret and the new GroupContext to every secret of the new epoch.
///
/// The GroupContext is taken in its encoded form: the schedule only ever uses its bytes.
public enum KeySchedule {
    /// `joiner_secret = ExpandWithLabel(KDF.Extract(init_secret_[n-1], commit_secret), "joiner", GroupContext_[n], KDF.Nh)`.
    /// `commitSecret` is the all-zero `KDF.Nh` string when the commit has no path.
    public static func joinerSecret(
        crypto: CryptoSuite, initSecret: Secret, commitSecret: Secret, groupContext: [UInt8]
    ) throws(MLSCryptoError) -> Secret {
        let prk = crypto.extract(salt: initSecret, ikm: commitSecret)
        return try crypto.expandWithLabel(secret: prk, label: "joiner", context: groupContext, length: crypto.hashLength)
    }

    /// The epoch's secrets from its `joiner_secret` (what a joiner learns from a Welcome) and
    /// `psk_secret` (all-zero when there are no PSKs; see ``pskSecret(crypto:psks:)``).
    public static func epochSecrets(
        crypto: CryptoSuite, joinerSecret: Secret, pskSecret: Secret?, groupContext: [UInt8]
    ) throws(MLSCryptoError) -> EpochSecrets {
        let psk = pskSecret ?? Secret(zeros: crypto.hashLength)
        // member_secret: the salt of the welcome_secret and epoch_secret derivations.
        let memberSecret = crypto.extract(salt: joinerSecret, ikm: psk)
        let welcomeSecret = try crypto.deriveSecret(secret: memberSecret, label: "welcome")
        let epochSecret = try crypto.expandWithLabel(secret: memberSecret, label: "epoch", context: groupContext, length: crypto.hashLength)
        return EpochSecrets(
            crypto: crypto,
            joinerSecret: joinerSecret,
            welcomeSecret: welcomeSecret,
            senderDataSecret: try crypto.deriveSecret(secret: epochSecret, label: "sender data"),
            encryptionSecret: try crypto.deriveSecret(secret: epochSecret, label: "encryption"),
            exporterSecret: try crypto.deriveSecret(secret: epochSecret, label: "exporter"),
            externalSecret: try crypto.deriveSecret(secret: epochSecret, label: "external"),
            confirmationKey: try crypto.deriveSecret(secret: epochSecret, label: "confirm"),
            membershipKey: try crypto.deriveSecret(secret: epochSecret, label: "membership"),
            resumptionPSK: try crypto.deriveSecret(secret: epochSecret, label: "resumption"),
            epochAuthenticator: try crypto.deriveSecret(secret: epochSecret, label: "authentication"),
            initSecret: try crypto.deriveSecret(secret: epochSecret, label: "init"))
    }

    /// The whole step of §8 for a member: `init_secret_[n-1]` + `commit_secret` + PSKs → epoch `n`.
    public static func epochSecrets(
        crypto: CryptoSuite, initSecret: Secret, commitSecret: Secret, pskSecret: Secret?, groupContext: [UInt8]
    ) throws(MLSCryptoError) -> EpochSecrets {
        let joiner = try joinerSecret(crypto: crypto, initSecret: initSecret, commitSecret: commitSecret, groupContext: groupContext)
        return try epochSecrets(crypto: crypto, joinerSecret: joiner, pskSecret: pskSecret, groupContext: groupContext)
    }

    /// A PSK to inject (§8.4): its encoded `PreSharedKeyID` and its value.
    public struct PSKInput: Sendable {
        /// The `PreSharedKeyID` struct, encoded (it is hashed into `PSKLabel`).
        public var encodedID: [UInt8]
        /// The PSK: the external secret, or the referenced epoch's `resumption_psk`.
        public var psk: Secret

        public init(encodedID: [UInt8], psk: Secret) {
            self.encodedID = encodedID
            self.psk = psk
        }
    }

    /// `psk_secret` (§8.4): the PSKs chained in order through Extract / ExpandWithLabel("derived psk",
    /// PSKLabel) / Extract; the all-zero `KDF.Nh` string when there are none.
    /// - Throws: ``MLSCryptoError/invalidArgument(_:)`` for more than 65,535 PSKs (`uint16 count`).
    public static func pskSecret(crypto: CryptoSuite, psks: [PSKInput]) throws(MLSCryptoError) -> Secret {
        guard psks.count <= Int(UInt16.max) else { throw .invalidArgument("PSK count") }
        let zero = Secret(zeros: crypto.hashLength)
        var secret = zero
        let count = UInt16(psks.count)
        for (index, input) in psks.enumerated() {
            let extracted = crypto.extract(salt: zero, ikm: input.psk)
            // PSKLabel { PreSharedKeyID id; uint16 index; uint16 count; }
            var label = input.encodedID
            label.reserveCapacity(label.count + 4)
            label += [UInt8(index >> 8), UInt8(index & 0xff), UInt8(count >> 8), UInt8(count & 0xff)]
            let pskInput = try crypto.expandWithLabel(secret: extracted, label: "derived psk", context: label, length: crypto.hashLength)
            secret = crypto.extract(salt: pskInput, ikm: secret)
        }
        return secret
    }

    /// The Welcome's AEAD key and nonce (§12.4.3.1): `ExpandWithLabel(welcome_secret, "key" / "nonce", "", AEAD.Nk / AEAD.Nn)`.
    public static func welcomeKeyAndNonce(crypto: CryptoSuite, welcomeSecret: Secret) throws(MLSCryptoError) -> (key: Secret, nonce: Secret) {
        let key = try crypto.expandWithLabel(secret: welcomeSecret, label: "key", context: [], length: crypto.aead.keyByteCount)
        let nonce = try crypto.expandWithLabel(secret: welcomeSecret, label: "nonce", context: [], length: crypto.aead.nonceByteCount)
        return (key, nonce)
    }
}
