public import Foundation
import MLS

/// `crypto-basics.json`: RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel /
/// VerifyWithLabel and EncryptWithLabel / DecryptWithLabel (RFC 9420 §5.1-5.2, §8, §9.1).
///
/// One case per cipher suite; it passes only when every check in it passes. Beyond FORMAT.md we
/// also check that each private key's public key equals the vector's `pub`.
public struct CryptoBasicsRunner: VectorRunner {
    public static let kind = "crypto-basics"
    public init() {}

    struct Case: Decodable {
        struct RefHash: Decodable { let label: String; let value: HexBytes; let out: HexBytes }
        struct ExpandWithLabel: Decodable {
            let secret: HexBytes; let label: String; let context: HexBytes; let length: Int; let out: HexBytes
        }
        struct DeriveSecret: Decodable { let secret: HexBytes; let label: String; let out: HexBytes }
        struct DeriveTreeSecret: Decodable {
            let secret: HexBytes; let label: String; let generation: UInt32; let length: Int; let out: HexBytes
        }
        struct SignWithLabel: Decodable {
            let priv: HexBytes; let pub: HexBytes; let content: HexBytes; let label: String; let signature: HexBytes
        }
        struct EncryptWithLabel: Decodable {
            let priv: HexBytes; let pub: HexBytes; let label: String; let context: HexBytes; let plaintext: HexBytes
            let kem_output: HexBytes; let ciphertext: HexBytes
        }
        let cipher_suite: UInt16
        let ref_hash: RefHash
        let expand_with_label: ExpandWithLabel
        let derive_secret: DeriveSecret
        let derive_tree_secret: DeriveTreeSecret
        let sign_with_label: SignWithLabel
        let encrypt_with_label: EncryptWithLabel
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(test.cipher_suite))"
            guard let crypto = result.crypto(forSuite: test.cipher_suite, label: label) else { continue }
            result.record(label, suite: test.cipher_suite, problems: check(test, crypto))
        }
        return result
    }

    private func check(_ test: Case, _ crypto: CryptoSuite) -> [String] {
        var check = CaseCheck()
        let refHash = test.ref_hash
        check.expect(crypto.refHash(label: refHash.label, value: refHash.value.bytes) == refHash.out.bytes, "ref_hash differs")

        let expand = test.expand_with_label
        check.attempt("expand_with_label") { check in
            let out = try crypto.expandWithLabel(
                secret: Secret(bytes: expand.secret.bytes), label: expand.label, context: expand.context.bytes, length: expand.length)
            check.expect(out == Secret(bytes: expand.out.bytes), "expand_with_label differs")
        }
        let derive = test.derive_secret
        check.attempt("derive_secret") { check in
            let out = try crypto.deriveSecret(secret: Secret(bytes: derive.secret.bytes), label: derive.label)
            check.expect(out == Secret(bytes: derive.out.bytes), "derive_secret differs")
        }
        let tree = test.derive_tree_secret
        check.attempt("derive_tree_secret") { check in
            let out = try crypto.deriveTreeSecret(
                secret: Secret(bytes: tree.secret.bytes), label: tree.label, generation: tree.generation, length: tree.length)
            check.expect(out == Secret(bytes: tree.out.bytes), "derive_tree_secret differs")
        }

        let sign = test.sign_with_label
        check.expect(
            crypto.verifyWithLabel(publicKey: sign.pub.bytes, label: sign.label, content: sign.content.bytes, signature: sign.signature.bytes),
            "sign_with_label: vector signature does not verify")
        check.expect(
            !crypto.verifyWithLabel(publicKey: sign.pub.bytes, label: sign.label + "x", content: sign.content.bytes, signature: sign.signature.bytes),
            "sign_with_label: signature verifies under another label")
        check.attempt("sign_with_label") { check in
            let key = try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: sign.priv.bytes)
            check.expect(key.publicKey == sign.pub.bytes, "sign_with_label: public key of priv differs from pub")
            let signature = try crypto.signWithLabel(privateKey: key, label: sign.label, content: sign.content.bytes)
            check.expect(
                crypto.verifyWithLabel(publicKey: sign.pub.bytes, label: sign.label, content: sign.content.bytes, signature: signature),
                "sign_with_label: our signature does not verify")
        }

        let encrypt = test.encrypt_with_label
        check.attempt("encrypt_with_label") { check in
            let key = try HPKEPrivateKey(kem: crypto.kem, serialized: encrypt.priv.bytes)
            check.expect(key.publicKey == encrypt.pub.bytes, "encrypt_with_label: public key of priv differs from pub")
            let plaintext = try crypto.decryptWithLabel(
                privateKey: key, label: encrypt.label, context: encrypt.context.bytes, kemOutput: encrypt.kem_output.bytes,
                ciphertext: encrypt.ciphertext.bytes)
            check.expect(plaintext == encrypt.plaintext.bytes, "encrypt_with_label: vector decrypts to other plaintext")
            let sealed = try crypto.encryptWithLabel(
                publicKey: encrypt.pub.bytes, label: encrypt.label, context: encrypt.context.bytes, plaintext: encrypt.plaintext.bytes)
            let reopened = try crypto.decryptWithLabel(
                privateKey: key, label: encrypt.label, context: encrypt.context.bytes, kemOutput: sealed.kemOutput,
                ciphertext: sealed.ciphertext)
            check.expect(reopened == encrypt.plaintext.bytes, "encrypt_with_label: round trip differs")
        }
        return check.problems
    }
}
