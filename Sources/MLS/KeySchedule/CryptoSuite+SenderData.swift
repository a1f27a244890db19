/// Sender-data key and nonce (RFC 9420 §6.3.2), derived from `sender_data_secret` and a sample of
/// the content ciphertext.
extension CryptoSuite {
    /// `ciphertext_sample = ciphertext[0..KDF.Nh-1]` (the whole ciphertext when shorter), then
    /// `sender_data_key = ExpandWithLabel(sender_data_secret, "key", sample, AEAD.Nk)` and
    /// `sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", sample, AEAD.Nn)`.
    public func senderDataKeyAndNonce(senderDataSecret: Secret, ciphertext: [UInt8]) throws(MLSCryptoError) -> (key: Secret, nonce: Secret) {
        // One keyed HMAC for both, and the sample read in place.
        let expander = KeyedExpander(hash, secret: senderDataSecret)
        return ciphertext.withUnsafeBytes { raw in
            let sample = UnsafeRawBufferPointer(rebasing: raw.prefix(hashLength))
            return (
                expander.expandWithLabel(label: "key".utf8, context: sample, length: aead.keyByteCount),
                expander.expandWithLabel(label: "nonce".utf8, context: sample, length: aead.nonceByteCount)
            )
        }
    }
}
