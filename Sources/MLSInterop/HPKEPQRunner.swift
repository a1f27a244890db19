public import Foundation
import MLS

/// `hpke-pq/test-vectors.json` (draft-ietf-hpke-pq): for every KEM we implement (DHKEM X25519,
/// P-256, P-384, P-521 and X-Wing 0x647a), DeriveKeyPair(ikmR) must give `skRm`/`pkRm`, and
/// decapsulating `enc` with the derived key must give `shared_secret`. Cases for KEMs we do not
/// implement (ML-KEM alone, the P-256/P-384 hybrids, X448) are skipped.
///
/// Not an MLS vector kind: run by `HPKEPQVectorTests` only.
public struct HPKEPQRunner: VectorRunner {
    public static let kind = "hpke-pq"
    public init() {}

    struct Case: Decodable {
        let kem_id: UInt16
        let ikmR: HexBytes
        let skRm: HexBytes
        let pkRm: HexBytes
        let enc: HexBytes
        let shared_secret: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            guard let kem = HPKEKEM(identifier: test.kem_id) else {
                result.skipped += 1
                continue
            }
            var check = CaseCheck()
            check.attempt("DeriveKeyPair") { check in
                let key = try kem.deriveKeyPair(ikm: test.ikmR.bytes)
                check.expect(key.serialized == Secret(bytes: test.skRm.bytes), "skRm differs")
                check.expect(key.publicKey == test.pkRm.bytes, "pkRm differs")
                let shared = try kem.decapsulate(enc: test.enc.bytes, privateKey: key)
                check.expect(shared == Secret(bytes: test.shared_secret.bytes), "shared_secret differs")
            }
            result.record("case \(index) (KEM 0x\(String(test.kem_id, radix: 16)))", problems: check.problems)
        }
        return result
    }
}
