public import Foundation
import MLS

/// `secret-tree.json`: sender-data key and nonce (§6.3.2), and the handshake and application
/// keys and nonces of every listed (leaf, generation) (§9). Generations are asked for in the
/// file's order, through the same API a receiver uses (skipping ahead within the window).
public struct SecretTreeRunner: VectorRunner {
    public static let kind = "secret-tree"
    public init() {}

    struct Case: Decodable {
        struct SenderData: Decodable {
            let sender_data_secret: HexBytes; let ciphertext: HexBytes; let key: HexBytes; let nonce: HexBytes
        }
        struct Generation: Decodable {
            let generation: UInt32
            let handshake_key: HexBytes; let handshake_nonce: HexBytes
            let application_key: HexBytes; let application_nonce: HexBytes
        }
        let cipher_suite: UInt16
        let sender_data: SenderData
        let encryption_secret: HexBytes
        let leaves: [[Generation]]
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(test.cipher_suite), \(test.leaves.count) leaves)"
            guard let crypto = result.crypto(forSuite: test.cipher_suite, label: label) else { continue }
            var check = CaseCheck()
            check.attempt("sender_data") { check in
                let derived = try crypto.senderDataKeyAndNonce(
                    senderDataSecret: Secret(bytes: test.sender_data.sender_data_secret.bytes), ciphertext: test.sender_data.ciphertext.bytes)
                check.expect(derived.key == Secret(bytes: test.sender_data.key.bytes), "sender_data key differs")
                check.expect(derived.nonce == Secret(bytes: test.sender_data.nonce.bytes), "sender_data nonce differs")
            }
            check.attempt("secret tree") { check in
                var tree = try SecretTree(
                    crypto: crypto, encryptionSecret: Secret(bytes: test.encryption_secret.bytes), leafCount: UInt32(test.leaves.count))
                for (leaf, generations) in test.leaves.enumerated() {
                    for entry in generations {
                        let handshake = try tree.key(leaf: LeafIndex(UInt32(leaf)), type: .handshake, generation: entry.generation)
                        let application = try tree.key(leaf: LeafIndex(UInt32(leaf)), type: .application, generation: entry.generation)
                        let at = "leaf \(leaf) generation \(entry.generation)"
                        check.expect(handshake.key == Secret(bytes: entry.handshake_key.bytes), "\(at): handshake key differs")
                        check.expect(handshake.nonce == Secret(bytes: entry.handshake_nonce.bytes), "\(at): handshake nonce differs")
                        check.expect(application.key == Secret(bytes: entry.application_key.bytes), "\(at): application key differs")
                        check.expect(application.nonce == Secret(bytes: entry.application_nonce.bytes), "\(at): application nonce differs")
                    }
                }
            }
            result.record(label, suite: test.cipher_suite, problems: check.problems)
        }
        return result
    }
}
