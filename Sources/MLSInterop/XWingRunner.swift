public import Foundation
import MLS

/// `xwing/test-vectors.json` (draft-connolly-cfrg-xwing-kem): the key pair of `seed` must have the
/// public key `pk`, and decapsulating `ct` must give `ss`. (Encapsulation with a fixed `eseed` is not
/// exposed by swift-crypto, so that direction is covered by a random encapsulate/decapsulate round
/// trip in the tests instead.)
///
/// Not an MLS vector kind: run by `XWingVectorTests` only.
public struct XWingRunner: VectorRunner {
    public static let kind = "xwing"
    public init() {}

    struct Case: Decodable {
        let seed: HexBytes
        let sk: HexBytes
        let pk: HexBytes
        let ct: HexBytes
        let ss: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            var check = CaseCheck()
            check.attempt("X-Wing") { check in
                let key = try HPKEPrivateKey(kem: .xwing, serialized: test.seed.bytes)
                check.expect(key.serialized == Secret(bytes: test.sk.bytes), "sk differs")
                check.expect(key.publicKey == test.pk.bytes, "pk differs")
                let shared = try HPKEKEM.xwing.decapsulate(enc: test.ct.bytes, privateKey: key)
                check.expect(shared == Secret(bytes: test.ss.bytes), "ss differs")
            }
            result.record("case \(index)", problems: check.problems)
        }
        return result
    }
}
