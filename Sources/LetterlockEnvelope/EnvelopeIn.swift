public import Crypto
public import Foundation

/// An envelope as received: parsed, not yet decrypted or verified (unverified input has its own
/// type). ``open(deviceID:agreementKey:)`` or ``open(secret:recipientAccount:)`` decrypts; ``verified(with:)``
/// checks the signature and only then decodes the content.
public struct EnvelopeIn: Sendable {
    public enum Protection: UInt8, Sendable { case signed = 0, devices = 1, contactSecret = 3 }

    public let protection: Protection
    /// Protection `devices`: each recipient's (device id, enc, wrapped key).
    let recipients: [(deviceID: String, enc: Data, wrapped: Data)]
    /// Bytes before the AEAD (its associated data).
    let header: Data
    /// Protection `signed`: the SignedContent; otherwise the AEAD.
    let body: Data

    /// Parses the framing; every length is bounds-checked. Throws ``LetterlockError/malformedEnvelope``
    /// or ``LetterlockError/unsupportedEnvelopeVersion``.
    public init(parsing payload: Data) throws {
        let bytes = [UInt8](payload)
        guard bytes.count >= 6, Envelope.isEnvelope(payload) else { throw LetterlockError.malformedEnvelope }
        guard bytes[4] == Envelope.version else { throw LetterlockError.unsupportedEnvelopeVersion }
        guard let protection = Protection(rawValue: bytes[5]) else { throw LetterlockError.malformedEnvelope }
        self.protection = protection
        var index = 6
        var recipients: [(String, Data, Data)] = []
        if protection == .devices {
            guard index < bytes.count else { throw LetterlockError.malformedEnvelope }
            let count = Int(bytes[index])
            index += 1
            guard (1...Envelope.maximumRecipients).contains(count), bytes.count - index >= count * 112 else {
                throw LetterlockError.malformedEnvelope
            }
            for _ in 0..<count {
                guard let id = String(bytes: bytes[index..<index + 32], encoding: .ascii) else { throw LetterlockError.malformedEnvelope }
                recipients.append((id, Data(bytes[index + 32..<index + 64]), Data(bytes[index + 64..<index + 112])))
                index += 112
            }
        }
        self.recipients = recipients
        self.header = Data(bytes[0..<index])
        self.body = Data(bytes[index...])
        if protection != .signed, body.count < 28 { throw LetterlockError.malformedEnvelope }
    }

    /// Protection `signed`: the signed content as it is.
    public func openSigned() throws -> SignedEnvelope {
        guard protection == .signed else { throw LetterlockError.malformedEnvelope }
        return try SignedEnvelope(parsing: body)
    }

    /// Protection `devices`: unwraps the content key addressed to `deviceID`.
    public func open(deviceID: String, agreementKey: Curve25519.KeyAgreement.PrivateKey) throws -> SignedEnvelope {
        guard protection == .devices else { throw LetterlockError.malformedEnvelope }
        guard let mine = recipients.first(where: { $0.deviceID == deviceID }) else { throw LetterlockError.notForThisDevice }
        let keyBytes: Data
        do {
            var recipient = try HPKE.Recipient(
                privateKey: agreementKey, ciphersuite: Envelope.hpkeSuite, info: Data((Envelope.hpkeInfoPrefix + deviceID).utf8),
                encapsulatedKey: mine.enc)
            keyBytes = try recipient.open(mine.wrapped)
        } catch {
            throw LetterlockError.notForThisDevice
        }
        guard keyBytes.count == 32 else { throw LetterlockError.malformedEnvelope }
        return try decrypt(key: SymmetricKey(data: keyBytes))
    }

    /// Protection `contactSecret`: decrypts with the key derived from this account's contact
    /// secret and id.
    public func open(secret: Data, recipientAccount: String) throws -> SignedEnvelope {
        guard protection == .contactSecret else { throw LetterlockError.malformedEnvelope }
        do {
            return try decrypt(key: Envelope.contactSecretKey(secret, recipientAccount: recipientAccount))
        } catch let error as LetterlockError where error == .malformedEnvelope {
            throw error
        } catch {
            throw LetterlockError.notForThisDevice
        }
    }

    private func decrypt(key: SymmetricKey) throws -> SignedEnvelope {
        let plaintext: Data
        do {
            plaintext = try AES.GCM.open(AES.GCM.SealedBox(combined: body), using: key, authenticating: header)
        } catch {
            throw LetterlockError.notForThisDevice
        }
        return try SignedEnvelope(parsing: plaintext)
    }
}
