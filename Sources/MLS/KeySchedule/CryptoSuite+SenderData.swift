/// Sender-data key and nonce (RFC 9420 §6.3.2), derived from `sender_data_secret` and a sample of
/// the content ciphertext.
extension CryptoSuite {
    /// `ciphertext_sample = ciphertext[0..KDF.Nh-1]` (the whole ciphertext when shorter), then
    /// `sender_data_key = ExpandWithLabel(sender_data_secret, "key", sample, AEAD.Nk)` and
    /// `sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", sample, AEAD.Nn)`.
    public func senderDataKeyAndNonce(senderDataSecret: Secret, ciphertext: [UInt8]) throws(MLSCryptoError) -> (key: Secret, nonce: Secret) {
        let sample = Array(ciphertext.prefix(hashLength))
        let key = try expandWithLabel(secret: senderDataSecret, label: "key", context: sample, length: aead.keyByteCount)
        let nonce = try expandWithLabel(secret: senderDataSecret, label: "nonce", context: sample, length: aead.nonceByteCount)
        return (key, nonce)
    }
}
