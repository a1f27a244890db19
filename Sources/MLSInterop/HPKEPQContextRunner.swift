public import Foundation
import MLS

/// `hpke-pq/test-vectors.json`, the HPKE context half (review M9): for every case whose KEM, KDF
/// and AEAD swift-crypto supports, `SetupBaseR(enc, skR, info)` through the production path
/// (``CryptoSuite/setupBaseR(kemOutput:privateKey:info:)``, with skR from DeriveKeyPair(ikmR)),
/// then every `encryptions[i]` opened in sequence (the nonce advances per message) against its
/// `pt`, and every `exports[i]` against `exported_value`.
///
/// Supported: KEMs DHKEM(P-256, P-384, P-521, X25519) and X-Wing (0x647a); KDFs HKDF-SHA256/384/512
/// (1, 2, 3); AEADs AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (1, 2, 3). The SHAKE and TurboSHAKE
/// KDFs of draft-ietf-hpke-hpke (16-19) are not in swift-crypto: those cases count as skipped.
/// In the shared file that leaves one case, X-Wing with HKDF-SHA256 and ChaCha20-Poly1305, which
/// is the X-Wing HPKE path of the Letterlock default suite (with ChaCha20 in place of AES-128-GCM).
public struct HPKEPQContextRunner: VectorRunner {
    public static let kind = "hpke-pq-context"
    public init() {}

    struct Case: Decodable {
        let mode: Int
        let kem_id: UInt16
        let kdf_id: UInt16
        let aead_id: UInt16
        let info: HexBytes
        let ikmR: HexBytes
        let enc: HexBytes
        let encryptions: [Encryption]
        let exports: [Export]
    }

    struct Encryption: Decodable {
        let aad: HexBytes
        let ct: HexBytes
        let pt: HexBytes
    }

    struct Export: Decodable {
        let exporter_context: HexBytes
        let L: Int
        let exported_value: HexBytes
    }

    /// The MLS-side primitives for an HPKE (KDF, AEAD) pair, or `nil` when swift-crypto lacks one.
    static func primitives(kdf: UInt16, aead: UInt16) -> (HashAlgorithm, AEADAlgorithm)? {
        let hash: HashAlgorithm
        switch kdf {
        case 1: hash = .sha256
        case 2: hash = .sha384
        case 3: hash = .sha512
        default: return nil
        }
        switch aead {
        case 1: return (hash, .aes128GCM)
        case 2: return (hash, .aes256GCM)
        case 3: return (hash, .chaCha20Poly1305)
        default: return nil
        }
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            guard test.mode == 0, let kem = HPKEKEM(identifier: test.kem_id), let (hash, aead) = Self.primitives(kdf: test.kdf_id, aead: test.aead_id)
            else {
                result.skipped += 1
                continue
            }
            let crypto = CryptoSuite(hpkeTestingKEM: kem, hash: hash, aead: aead)
            var check = CaseCheck()
            check.expect(!test.encryptions.isEmpty && !test.exports.isEmpty, "no encryptions or exports to check")
            check.attempt("SetupBaseR") { check in
                let key = try kem.deriveKeyPair(ikm: test.ikmR.bytes)
                var context = try crypto.setupBaseR(kemOutput: test.enc.bytes, privateKey: key, info: test.info.bytes)
                for (i, encryption) in test.encryptions.enumerated() {
                    let opened = try? context.open(aad: encryption.aad.bytes, ciphertext: encryption.ct.bytes)
                    check.expect(opened == encryption.pt.bytes, "encryptions[\(i)] does not open to pt")
                }
                for (i, export) in test.exports.enumerated() {
                    let exported = try context.export(context: export.exporter_context.bytes, length: export.L)
                    check.expect(exported == Secret(bytes: export.exported_value.bytes), "exports[\(i)] differs")
                }
            }
            result.record(
                "case \(index) (KEM 0x\(String(test.kem_id, radix: 16)), KDF \(test.kdf_id), AEAD \(test.aead_id))", problems: check.problems)
        }
        return result
    }
}
