public import Crypto
public import Foundation

/// The client's versioned envelope: what travels in a mailbox payload between Letterlock
/// clients before and beside MLS. The relay sees an `MLSMessage` with a private-use wire format
/// and nothing else.
///
/// ```
/// uint16 version      = 1        (mls10: the relay admits only MLS messages, RFC 9420 §6)
/// uint16 wire_format  = 0xF1E7   (private use, RFC 9420 §17.2: 0xF000-0xFFFF)
/// uint8  envelope_version = 1
/// uint8  protection   0 signed | 1 sealed to devices (HPKE) | 3 sealed to a contact secret
///                     (2, the retired "sealed to a delivery token" mode, is refused)
/// protection 0:  SignedContent
/// protection 1:  uint8 n (1..32), n × { device_id[32] (ASCII hex), enc[32], wrapped_key[48] }, AEAD
/// protection 3:  AEAD
/// AEAD          = AES-256-GCM nonce[12] ‖ ciphertext ‖ tag[16] of SignedContent,
///                 associated data = every byte before the AEAD
/// SignedContent = uint32 length ‖ content (JSON ``EnvelopeContent``) ‖ Ed25519 signature[64]
///                 over "letterlock-envelope-v1\n" ‖ content
/// ```
///
/// - Sealed to devices: a random 256-bit content key, wrapped for each recipient device with
///   HPKE base mode (RFC 9180; DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM),
///   info = "letterlock-envelope-v1 " ‖ device id.
/// - Sealed to a contact secret: key = HKDF-SHA256(ikm = the recipient account's contact secret,
///   salt = the recipient account id (ASCII), info = "letterlock-envelope-contact-secret-v1").
///   The contact secret is made by the recipient's client and travels only inside invite links
///   (out of band) and inside sealed cards; the relay never receives it. It is distinct from the
///   delivery token, which the relay issues and sees on every sealed send (it is what authorises
///   the send), and which therefore must never be a key.
/// - The signature is always inside the encryption, so the relay learns neither the sender nor
///   the content of a sealed envelope. Receivers check it with the sender device's key
///   (``EnvelopeIn``).
/// - What the contact-secret mode does not protect against: everyone who holds the recipient's
///   secret (each of its contacts and each holder of its invite link) can open every envelope
///   sealed to it, if they also obtain the ciphertext. Rotating the token rotates the secret.
///
/// MLS messages will travel as a field of the same content in a later version.
public enum Envelope {
    public static let wireFormat: UInt16 = 0xF1E7
    public static let version: UInt8 = 1
    static let signatureContext = Data("letterlock-envelope-v1\n".utf8)
    static let hpkeInfoPrefix = "letterlock-envelope-v1 "
    static let contactSecretKeyInfo = Data("letterlock-envelope-contact-secret-v1".utf8)
    static let hpkeSuite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)
    /// Bounds for decoding: the relay takes at most 1 MiB per payload.
    static let maximumContentSize = 256 * 1024
    static let maximumRecipients = 32

    public enum Protection: Sendable {
        case signed
        /// Each recipient device id with its X25519 agreement public key.
        case devices([(deviceID: String, agreementKey: Data)])
        /// The recipient account's contact secret (never its delivery token) and its account id.
        case contactSecret(Data, recipientAccount: String)
    }

    /// Signs `content` with the sending device's key and protects it.
    public static func seal(_ content: EnvelopeContent, signer: Curve25519.Signing.PrivateKey, protection: Protection) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(content)
        guard json.count <= maximumContentSize else { throw LetterlockError.malformedEnvelope }
        var signed = Data()
        signed.appendUInt32(UInt32(json.count))
        signed += json
        signed += try signer.signature(for: signatureContext + json)

        var out = Data([0x00, 0x01, UInt8(wireFormat >> 8), UInt8(wireFormat & 0xff), version])
        switch protection {
        case .signed:
            out.append(0)
            out += signed
        case .devices(let recipients):
            guard (1...maximumRecipients).contains(recipients.count) else { throw LetterlockError.malformedEnvelope }
            out.append(1)
            out.append(UInt8(recipients.count))
            let contentKey = SymmetricKey(size: .bits256)
            let keyBytes = contentKey.withUnsafeBytes { Data($0) }
            for recipient in recipients {
                let id = Data(recipient.deviceID.utf8)
                guard id.count == 32 else { throw LetterlockError.malformedEnvelope }
                let publicKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient.agreementKey)
                var sender = try HPKE.Sender(recipientKey: publicKey, ciphersuite: hpkeSuite, info: Data((hpkeInfoPrefix + recipient.deviceID).utf8))
                let wrapped = try sender.seal(keyBytes)
                guard sender.encapsulatedKey.count == 32, wrapped.count == 48 else { throw LetterlockError.malformedEnvelope }
                out += id + sender.encapsulatedKey + wrapped
            }
            out += try aeadSeal(signed, key: contentKey, associatedData: out)
        case .contactSecret(let secret, let recipientAccount):
            guard secret.count == 32 else { throw LetterlockError.malformedEnvelope }
            out.append(3)
            out += try aeadSeal(signed, key: contactSecretKey(secret, recipientAccount: recipientAccount), associatedData: out)
        }
        return out
    }

    static func contactSecretKey(_ secret: Data, recipientAccount: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), salt: Data(recipientAccount.utf8), info: contactSecretKeyInfo, outputByteCount: 32)
    }

    private static func aeadSeal(_ plaintext: Data, key: SymmetricKey, associatedData: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: associatedData).combined else {
            throw LetterlockError.malformedEnvelope
        }
        return combined
    }

    /// True when `payload` looks like one of our envelopes (any version), not an MLS message.
    public static func isEnvelope(_ payload: Data) -> Bool {
        payload.count >= 4 && payload.prefix(4).elementsEqual([0x00, 0x01, UInt8(wireFormat >> 8), UInt8(wireFormat & 0xff)])
    }
}

extension Data {
    mutating func appendUInt32(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)])
    }
}
