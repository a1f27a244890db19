/// The secrets of one epoch (RFC 9420 §8, table "Epoch-Derived Secrets"), from ``KeySchedule``.
///
/// `epoch_secret` itself is not kept: everything derived from it is here. None of these values
/// print (each is a ``Secret``).
public struct EpochSecrets: Sendable {
    public let crypto: CryptoSuite
    public let joinerSecret: Secret
    public let welcomeSecret: Secret
    /// "sender data": keys for encrypting PrivateMessage sender data (§6.3.2).
    public let senderDataSecret: Secret
    /// "encryption": the root of the secret tree (§9).
    public let encryptionSecret: Secret
    /// "exporter": the base of ``export(label:context:length:)``.
    public let exporterSecret: Secret
    /// "external": the seed of the external-join HPKE key pair (``externalKeyPair()``).
    public let externalSecret: Secret
    /// "confirm": the key of the Commit's confirmation tag.
    public let confirmationKey: Secret
    /// "membership": the key of PublicMessage membership tags.
    public let membershipKey: Secret
    /// "resumption": this epoch's resumption PSK.
    public let resumptionPSK: Secret
    /// "authentication": the epoch authenticator (§8.7).
    public let epochAuthenticator: Secret
    /// "init": `init_secret_[n]`, the input to the next epoch.
    public let initSecret: Secret

    /// `MLS-Exporter(Label, Context, Length) = ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length)` (§8.5).
    public func export(label: String, context: [UInt8], length: Int) throws(MLSCryptoError) -> Secret {
        try export(labelBytes: label.utf8, context: context, length: length)
    }

    /// ``export(label:context:length:)`` with a label of arbitrary bytes.
    public func export(labelBytes label: some Collection<UInt8>, context: [UInt8], length: Int) throws(MLSCryptoError) -> Secret {
        try Self.export(crypto: crypto, exporterSecret: exporterSecret, labelBytes: label, context: context, length: length)
    }

    /// `MLS-Exporter` from an epoch's `exporter_secret` (§8.5): the one implementation, shared
    /// with ``MLSGroup/export(label:context:length:)`` so the key-schedule vectors check both.
    public static func export(
        crypto: CryptoSuite, exporterSecret: Secret, labelBytes label: some Collection<UInt8>, context: [UInt8], length: Int
    ) throws(MLSCryptoError) -> Secret {
        let derived = try crypto.deriveSecret(secret: exporterSecret, labelBytes: label)
        return try crypto.expandWithLabel(secret: derived, label: "exported", context: crypto.hash(context), length: length)
    }

    /// `external_priv, external_pub = KEM.DeriveKeyPair(external_secret)` (§8).
    public func externalKeyPair() throws(MLSCryptoError) -> HPKEPrivateKey {
        try crypto.deriveKeyPair(ikm: externalSecret)
    }

    /// `confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash)` (§6.1).
    public func confirmationTag(confirmedTranscriptHash: [UInt8]) -> [UInt8] {
        crypto.mac(key: confirmationKey, data: confirmedTranscriptHash)
    }

    /// Whether `tag` is the confirmation tag of `confirmedTranscriptHash`, compared in constant time.
    public func verifyConfirmationTag(_ tag: [UInt8], confirmedTranscriptHash: [UInt8]) -> Bool {
        crypto.verifyMAC(key: confirmationKey, data: confirmedTranscriptHash, tag: tag)
    }
}
