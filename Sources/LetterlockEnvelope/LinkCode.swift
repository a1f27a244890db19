public import Foundation
import Crypto
import RelayAPI

/// The code a joining device shows: its temporary mailbox and its new public keys.
///
/// `letterlock-link:v1:` ‖ base64url(temporary account id[32] ‖ temporary device id[32] ‖
/// temporary delivery token[32] ‖ signing key[32] ‖ agreement key[32] ‖ pairing[16]).
public struct LinkCode: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "letterlock-link:v1:"
    public var temporaryAccount: String
    public var temporaryDevice: String
    public var temporaryToken: Data
    public var signingKey: Data
    public var agreementKey: Data
    public var pairing: Data

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix), let raw = Data(base64URLEncoded: String(trimmed.dropFirst(Self.prefix.count))), raw.count == 176
        else { throw LetterlockError.invalidLinkCode }
        let bytes = [UInt8](raw)
        guard let account = String(bytes: bytes[0..<32], encoding: .ascii), let device = String(bytes: bytes[32..<64], encoding: .ascii),
            RelayID.isValid(account), RelayID.isValid(device)
        else { throw LetterlockError.invalidLinkCode }
        temporaryAccount = account
        temporaryDevice = device
        temporaryToken = Data(bytes[64..<96])
        signingKey = Data(bytes[96..<128])
        agreementKey = Data(bytes[128..<160])
        pairing = Data(bytes[160..<176])
        guard (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: agreementKey)) != nil,
            (try? Curve25519.Signing.PublicKey(rawRepresentation: signingKey)) != nil
        else { throw LetterlockError.invalidLinkCode }
    }

    /// The short authentication string both devices show before either commits (review M3):
    /// six digits of HKDF-SHA256(ikm = pairing, salt = "letterlock-link-confirmation-v1",
    /// info = offering device's signing key ‖ new device's signing key), the first four bytes
    /// big-endian modulo 10^6. Only the two devices that hold this code and took part in this
    /// exchange compute the same digits; someone who saw the code and raced the real device, or
    /// a code an attacker showed, gives different ones.
    public func confirmationCode(offeringSigningKey: Data) -> String {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: pairing), salt: Data("letterlock-link-confirmation-v1".utf8),
            info: offeringSigningKey + signingKey, outputByteCount: 4)
        let value = key.withUnsafeBytes { bytes in bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        let digits = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    public init(temporaryAccount: String, temporaryDevice: String, temporaryToken: Data, signingKey: Data, agreementKey: Data, pairing: Data) {
        self.temporaryAccount = temporaryAccount
        self.temporaryDevice = temporaryDevice
        self.temporaryToken = temporaryToken
        self.signingKey = signingKey
        self.agreementKey = agreementKey
        self.pairing = pairing
    }

    public var description: String {
        let raw = Data(temporaryAccount.utf8) + Data(temporaryDevice.utf8) + temporaryToken + signingKey + agreementKey + pairing
        return Self.prefix + raw.base64URLEncodedString()
    }
}
