import Crypto
import Foundation

/// Seals conversation secrets at rest (MLS group states, KeyPackage private keys, file
/// manifests) under a key derived from the device's X25519 private key:
/// `HKDF-SHA256(ikm = agreement private key, info = "letterlock-local-state-v1")`, AES-256-GCM
/// with the row's purpose and id as associated data (a sealed value cannot be moved to another
/// row). The agreement key itself is sealed under the passphrase when one is set, so these
/// secrets are exactly as protected as the device keys.
struct LocalSealer: Sendable {
    private let key: SymmetricKey

    init(agreementKey: Curve25519.KeyAgreement.PrivateKey) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: agreementKey.rawRepresentation), info: Data("letterlock-local-state-v1".utf8), outputByteCount: 32)
    }

    func seal(_ bytes: [UInt8], context: String) throws -> Data {
        guard let combined = try AES.GCM.seal(bytes, using: key, authenticating: Data(context.utf8)).combined else {
            throw ConversationError.groupState
        }
        return combined
    }

    func open(_ sealed: Data, context: String) throws -> [UInt8] {
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(context.utf8)))
        } catch {
            throw ConversationError.groupState
        }
    }
}
