import WireFormat

/// The cryptographic steps of PrivateMessage protection (RFC 9420 §6.3), on encoded structures:
/// the content nonce with its reuse guard, the two AADs, sender-data encryption, and the padding check.
extension CryptoSuite {
    /// The content nonce: the key schedule's nonce with `reuse_guard` XORed into its first four bytes (§6.3.1).
    public func contentNonce(_ nonce: Secret, reuseGuard: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        guard reuseGuard.count == 4 else { throw .invalidLength("reuse_guard") }
        var bytes = nonce.exportedBytes
        guard bytes.count >= 4 else { throw .invalidLength("AEAD nonce") }
        for index in 0..<4 { bytes[index] ^= reuseGuard[index] }
        return bytes
    }

    /// `PrivateContentAAD { opaque group_id<V>; uint64 epoch; ContentType content_type; opaque authenticated_data<V>; }` (§6.3.1).
    public static func privateContentAAD(groupID: [UInt8], epoch: UInt64, contentType: UInt8, authenticatedData: [UInt8]) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: groupID.count + authenticatedData.count + 17)
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(contentType)
        writer.writeOpaque(authenticatedData)
        return writer.bytes
    }

    /// `SenderDataAAD { opaque group_id<V>; uint64 epoch; ContentType content_type; }` (§6.3.2).
    public static func senderDataAAD(groupID: [UInt8], epoch: UInt64, contentType: UInt8) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: groupID.count + 13)
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(contentType)
        return writer.bytes
    }

    /// `encrypted_sender_data`: SenderData sealed under the key and nonce sampled from the content `ciphertext`.
    public func encryptSenderData(
        _ senderData: SenderData, senderDataSecret: Secret, contentCiphertext: [UInt8], groupID: [UInt8], epoch: UInt64, contentType: UInt8
    ) throws(MLSCryptoError) -> [UInt8] {
        let (key, nonce) = try senderDataKeyAndNonce(senderDataSecret: senderDataSecret, ciphertext: contentCiphertext)
        return try seal(
            key: key, nonce: nonce.exportedBytes, aad: Self.senderDataAAD(groupID: groupID, epoch: epoch, contentType: contentType),
            plaintext: senderData.wireBytes)
    }

    /// Opens `encrypted_sender_data` and decodes the SenderData (which must fill the plaintext exactly).
    /// - Throws: ``MLSCryptoError/decryptionFailed`` when it does not open or decode.
    public func decryptSenderData(
        _ encrypted: [UInt8], senderDataSecret: Secret, contentCiphertext: [UInt8], groupID: [UInt8], epoch: UInt64, contentType: UInt8
    ) throws(MLSCryptoError) -> SenderData {
        let (key, nonce) = try senderDataKeyAndNonce(senderDataSecret: senderDataSecret, ciphertext: contentCiphertext)
        let plaintext = try open(
            key: key, nonce: nonce.exportedBytes, aad: Self.senderDataAAD(groupID: groupID, epoch: epoch, contentType: contentType),
            ciphertext: encrypted)
        do {
            return try SenderData(wireBytes: plaintext)
        } catch {
            throw .decryptionFailed
        }
    }

    /// Whether the padding of a PrivateMessageContent is all zero bytes (§6.3.1: otherwise the
    /// message is malformed). Runs over every byte regardless of where a non-zero one is.
    public static func isValidPadding(_ padding: some Collection<UInt8>) -> Bool {
        var accumulator: UInt8 = 0
        for byte in padding { accumulator |= byte }
        return accumulator == 0
    }

    /// `membership_tag = MAC(membership_key, AuthenticatedContentTBM)` (§6.2), over the encoded TBM.
    public func membershipTag(membershipKey: Secret, authenticatedContentTBM: [UInt8]) -> [UInt8] {
        mac(key: membershipKey, data: authenticatedContentTBM)
    }
}
