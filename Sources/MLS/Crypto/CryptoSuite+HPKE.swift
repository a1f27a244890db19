import Crypto
import Foundation

/// HPKE in base mode (RFC 9180 §5.1.1, §6.1) with the suite's KEM, KDF and AEAD, via swift-crypto.
///
/// swift-crypto's HPKE does not check that a key belongs to the ciphersuite's KEM (an X-Wing key
/// with an X25519 suite is accepted), so the HPKE ciphersuite is always built from the KEM of the
/// key actually used, and that KEM must equal the MLS suite's.
extension CryptoSuite {
    /// swift-crypto's HPKE ciphersuite for this MLS suite.
    var hpkeCiphersuite: HPKE.Ciphersuite {
        let hpkeKEM: HPKE.KEM =
            switch kem {
            case .dhkemX25519: .Curve25519_HKDF_SHA256
            case .dhkemP256: .P256_HKDF_SHA256
            case .dhkemP384: .P384_HKDF_SHA384
            case .dhkemP521: .P521_HKDF_SHA512
            case .xwing: .XWingMLKEM768X25519
            }
        let hpkeKDF: HPKE.KDF =
            switch hash {
            case .sha256: .HKDF_SHA256
            case .sha384: .HKDF_SHA384
            case .sha512: .HKDF_SHA512
            }
        let hpkeAEAD: HPKE.AEAD =
            switch aead {
            case .aes128GCM: .AES_GCM_128
            case .aes256GCM: .AES_GCM_256
            case .chaCha20Poly1305: .chaChaPoly
            }
        return HPKE.Ciphersuite(kem: hpkeKEM, kdf: hpkeKDF, aead: hpkeAEAD)
    }

    /// Whether `publicKey` is a valid public key of the suite's KEM: `DeserializePublicKey`
    /// (RFC 9180 §7.1.1) succeeds. X25519: 32 bytes; P-curves: an uncompressed point on the curve;
    /// X-Wing: 1,216 bytes whose ML-KEM part passes swift-crypto's encapsulation-key check.
    ///
    /// RFC 9420 §7.3, §10.1 and §12.4.2 take keys into the group from KeyPackages, leaves and
    /// UpdatePaths; one that does not decode would make every later `setupBaseS` to it fail
    /// (review M3), so they are checked where they enter.
    public func isValidHPKEPublicKey(_ publicKey: [UInt8]) -> Bool {
        switch kem {
        case .dhkemX25519: (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)) != nil
        case .dhkemP256: (try? P256.KeyAgreement.PublicKey(x963Representation: publicKey)) != nil
        case .dhkemP384: (try? P384.KeyAgreement.PublicKey(x963Representation: publicKey)) != nil
        case .dhkemP521: (try? P521.KeyAgreement.PublicKey(x963Representation: publicKey)) != nil
        case .xwing: (try? XWingMLKEM768X25519.PublicKey(rawRepresentation: publicKey)) != nil
        }
    }

    /// `SetupBaseS(pkR, info)`: a sender context and its encapsulation (`kem_output`).
    /// - Throws: ``MLSCryptoError/invalidPublicKey`` when `publicKey` is not a key of the suite's KEM.
    public func setupBaseS(publicKey: [UInt8], info: [UInt8]) throws(MLSCryptoError) -> HPKESenderContext {
        let ciphersuite = hpkeCiphersuite
        let sender: HPKE.Sender
        do {
            switch kem {
            case .dhkemX25519:
                let key = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)
                sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: Data(info))
            case .dhkemP256:
                let key = try P256.KeyAgreement.PublicKey(x963Representation: publicKey)
                sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: Data(info))
            case .dhkemP384:
                let key = try P384.KeyAgreement.PublicKey(x963Representation: publicKey)
                sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: Data(info))
            case .dhkemP521:
                let key = try P521.KeyAgreement.PublicKey(x963Representation: publicKey)
                sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: Data(info))
            case .xwing:
                let key = try XWingMLKEM768X25519.PublicKey(rawRepresentation: publicKey)
                sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: Data(info))
            }
        } catch {
            throw .invalidPublicKey
        }
        return HPKESenderContext(sender: sender)
    }

    /// `SetupBaseR(enc, skR, info)`: the receiver context for an encapsulation.
    /// - Throws: ``MLSCryptoError/invalidPrivateKey`` for a key of another KEM,
    ///   ``MLSCryptoError/decryptionFailed`` for a malformed encapsulation.
    public func setupBaseR(kemOutput: [UInt8], privateKey: HPKEPrivateKey, info: [UInt8]) throws(MLSCryptoError) -> HPKEReceiverContext {
        guard privateKey.kem == kem else { throw .invalidPrivateKey }
        let ciphersuite = hpkeCiphersuite
        do {
            let recipient: HPKE.Recipient
            switch privateKey.storage {
            case .x25519(let key):
                recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: Data(info), encapsulatedKey: Data(kemOutput))
            case .p256(let key):
                recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: Data(info), encapsulatedKey: Data(kemOutput))
            case .p384(let key):
                recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: Data(info), encapsulatedKey: Data(kemOutput))
            case .p521(let key):
                recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: Data(info), encapsulatedKey: Data(kemOutput))
            case .xwing(let key):
                recipient = try HPKE.Recipient(privateKey: key, ciphersuite: ciphersuite, info: Data(info), encapsulatedKey: Data(kemOutput))
            }
            return HPKEReceiverContext(recipient: recipient)
        } catch {
            throw .decryptionFailed
        }
    }

    /// Single-shot `SealBase(pkR, info, aad, pt)` (RFC 9180 §6.1): `(kem_output, ciphertext)`.
    public func sealBase(
        publicKey: [UInt8], info: [UInt8], aad: [UInt8], plaintext: [UInt8]
    ) throws(MLSCryptoError) -> (kemOutput: [UInt8], ciphertext: [UInt8]) {
        var context = try setupBaseS(publicKey: publicKey, info: info)
        let ciphertext = try context.seal(aad: aad, plaintext: plaintext)
        return (context.kemOutput, ciphertext)
    }

    /// Single-shot `OpenBase(enc, skR, info, aad, ct)` (RFC 9180 §6.1).
    public func openBase(
        kemOutput: [UInt8], privateKey: HPKEPrivateKey, info: [UInt8], aad: [UInt8], ciphertext: [UInt8]
    ) throws(MLSCryptoError) -> [UInt8] {
        var context = try setupBaseR(kemOutput: kemOutput, privateKey: privateKey, info: info)
        return try context.open(aad: aad, ciphertext: ciphertext)
    }
}

/// An HPKE sender context (RFC 9180 §5.2), from ``CryptoSuite/setupBaseS(publicKey:info:)``.
public struct HPKESenderContext: Sendable {
    private var sender: HPKE.Sender

    init(sender: HPKE.Sender) {
        self.sender = sender
    }

    /// `enc`: the KEM output to send to the recipient.
    public var kemOutput: [UInt8] { Array(sender.encapsulatedKey) }

    /// `ContextS.Seal(aad, pt)`; advances the sequence number.
    public mutating func seal(aad: [UInt8], plaintext: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        do { return Array(try sender.seal(plaintext, authenticating: aad)) } catch { throw .encryptionFailed }
    }

    /// `Context.Export(exporter_context, L)` (RFC 9180 §5.3).
    public func export(context: [UInt8], length: Int) throws(MLSCryptoError) -> Secret {
        do { return Secret(try sender.exportSecret(context: context, outputByteCount: length)) } catch {
            throw .invalidArgument("HPKE export length")
        }
    }
}

/// An HPKE receiver context (RFC 9180 §5.2), from ``CryptoSuite/setupBaseR(kemOutput:privateKey:info:)``.
public struct HPKEReceiverContext: Sendable {
    private var recipient: HPKE.Recipient

    init(recipient: HPKE.Recipient) {
        self.recipient = recipient
    }

    /// `ContextR.Open(aad, ct)`; advances the sequence number.
    public mutating func open(aad: [UInt8], ciphertext: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        do { return Array(try recipient.open(ciphertext, authenticating: aad)) } catch { throw .decryptionFailed }
    }

    /// `Context.Export(exporter_context, L)` (RFC 9180 §5.3).
    public func export(context: [UInt8], length: Int) throws(MLSCryptoError) -> Secret {
        do { return Secret(try recipient.exportSecret(context: context, outputByteCount: length)) } catch {
            throw .invalidArgument("HPKE export length")
        }
    }
}
