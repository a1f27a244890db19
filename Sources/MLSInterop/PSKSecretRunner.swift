public import Foundation
import MLS

/// `psk_secret.json`: `psk_secret` (RFC 9420 §8.4) over external PSKs given in order.
public struct PSKSecretRunner: VectorRunner {
    public static let kind = "psk_secret"
    public init() {}

    struct Case: Decodable {
        struct PSK: Decodable { let psk_id: HexBytes; let psk: HexBytes; let psk_nonce: HexBytes }
        let cipher_suite: UInt16
        let psks: [PSK]
        let psk_secret: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(test.cipher_suite), \(test.psks.count) PSKs)"
            guard let crypto = result.crypto(forSuite: test.cipher_suite, label: label) else { continue }
            var check = CaseCheck()
            check.attempt("psk_secret") { check in
                let inputs = test.psks.map { psk in
                    KeySchedule.PSKInput(
                        id: PreSharedKeyID(kind: .external(pskID: psk.psk_id.bytes), nonce: psk.psk_nonce.bytes),
                        psk: Secret(bytes: psk.psk.bytes))
                }
                let secret = try KeySchedule.pskSecret(crypto: crypto, psks: inputs)
                check.expect(secret == Secret(bytes: test.psk_secret.bytes), "psk_secret differs")
            }
            result.record(label, suite: test.cipher_suite, problems: check.problems)
        }
        return result
    }
}
