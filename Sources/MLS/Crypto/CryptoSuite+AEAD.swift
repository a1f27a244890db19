import Crypto
import Foundation

/// AEAD with the suite's algorithm (RFC 9420 §5.1; ciphertext and tag as one output, per RFC 5116).
extension CryptoSuite {
    /// `AEAD.Seal(key, nonce, aad, plaintext)`: the ciphertext with the tag appended.
    ///
    /// swift-crypto returns `nonce || ciphertext || tag` in one buffer; the result is copied once
    /// from it into a buffer of the exact size (review L10: the previous `Array(ct) + Array(tag)`
    /// copied a 1 MiB message three times).
    public func seal(key: Secret, nonce: [UInt8], aad: [UInt8], plaintext: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        guard key.count == aead.keyByteCount else { throw .invalidLength("AEAD key") }
        guard nonce.count == aead.nonceByteCount else { throw .invalidLength("AEAD nonce") }
        do {
            switch aead {
            case .aes128GCM, .aes256GCM:
                let box = try AES.GCM.seal(plaintext, using: key.symmetricKey, nonce: AES.GCM.Nonce(data: nonce), authenticating: aad)
                // `combined` is nil only for nonces other than 12 bytes, which MLS never uses.
                guard let combined = box.combined else { throw MLSCryptoError.encryptionFailed }
                return Self.dropNonce(combined, nonceCount: nonce.count)
            case .chaCha20Poly1305:
                let box = try ChaChaPoly.seal(plaintext, using: key.symmetricKey, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: aad)
                return Self.dropNonce(box.combined, nonceCount: nonce.count)
            }
        } catch {
            throw .encryptionFailed
        }
    }

    /// `ciphertext || tag` out of swift-crypto's `nonce || ciphertext || tag`, in one copy.
    private static func dropNonce(_ combined: Data, nonceCount: Int) -> [UInt8] {
        combined.withUnsafeBytes { raw in Array(raw[nonceCount...]) }
    }

    /// Ciphertexts up to this size are opened through ``combined(nonce:ciphertext:)``.
    private static let smallOpenLimit = 4096

    /// `nonce || ciphertext` (the ciphertext ending in its tag) as one `Data`.
    private static func combined(nonce: [UInt8], ciphertext: [UInt8]) -> Data {
        var combined = Data(capacity: nonce.count + ciphertext.count)
        combined.append(contentsOf: nonce)
        combined.append(contentsOf: ciphertext)
        return combined
    }

    /// `AEAD.Open(key, nonce, aad, ciphertext)`.
    /// - Throws: ``MLSCryptoError/decryptionFailed`` when the tag does not verify or the input is too short.
    public func open(key: Secret, nonce: [UInt8], aad: [UInt8], ciphertext: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        guard key.count == aead.keyByteCount else { throw .invalidLength("AEAD key") }
        guard nonce.count == aead.nonceByteCount else { throw .invalidLength("AEAD nonce") }
        guard ciphertext.count >= aead.tagByteCount else { throw .decryptionFailed }
        let split = ciphertext.count - aead.tagByteCount
        do {
            switch aead {
            case .aes128GCM, .aes256GCM:
                // SealedBox(nonce:ciphertext:tag:) appends generically (about a microsecond per
                // message in perf), while SealedBox(combined:) copies its Data argument once more.
                // Small messages take the second (two short copies); large ones the first (one
                // copy of the payload).
                let box: AES.GCM.SealedBox
                if ciphertext.count <= Self.smallOpenLimit {
                    box = try AES.GCM.SealedBox(combined: Self.combined(nonce: nonce, ciphertext: ciphertext))
                } else {
                    box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext[..<split], tag: ciphertext[split...])
                }
                return Array(try AES.GCM.open(box, using: key.symmetricKey, authenticating: aad))
            case .chaCha20Poly1305:
                let box = try ChaChaPoly.SealedBox(
                    nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext[..<split], tag: ciphertext[split...])
                return Array(try ChaChaPoly.open(box, using: key.symmetricKey, authenticating: aad))
            }
        } catch {
            throw .decryptionFailed
        }
    }
}
