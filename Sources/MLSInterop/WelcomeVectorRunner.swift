public import Foundation
import MLS
import WireFormat

/// `welcome.json` (FORMAT.md "Welcome"): find the Welcome entry for the KeyPackage, decrypt
/// its GroupSecrets with `init_priv`, decrypt the GroupInfo, verify the GroupInfo signature
/// with `signer_pub`, and verify its confirmation tag from the key schedule started at the
/// joiner secret with no PSKs (RFC 9420 §12.4.3.1). Suites 4 and 6 are counted as skipped.
public struct WelcomeVectorRunner: VectorRunner {
    public static let kind = "welcome"
    public init() {}

    struct Case: Decodable {
        let cipher_suite: UInt16
        let init_priv: HexBytes
        let signer_pub: HexBytes
        let key_package: HexBytes
        let welcome: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, c) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(c.cipher_suite))"
            guard let crypto = result.crypto(forSuite: c.cipher_suite, label: label) else { continue }
            do {
                guard case .keyPackage(let keyPackage) = try MLSMessage(wireBytes: c.key_package.bytes).body,
                    case .welcome(let welcome) = try MLSMessage(wireBytes: c.welcome.bytes).body
                else {
                    result.fail(label, suite: c.cipher_suite, "key_package or welcome has the wrong wire format")
                    continue
                }
                let reference = crypto.makeKeyPackageRef(keyPackage.wireBytes)
                let initKey = try HPKEPrivateKey(kem: crypto.kem, serialized: c.init_priv.bytes)
                guard initKey.publicKey == keyPackage.initKey else {
                    result.fail(label, suite: c.cipher_suite, "init_priv does not match the KeyPackage")
                    continue
                }
                let secrets = try welcome.decryptGroupSecrets(keyPackageRef: reference, initKey: initKey, crypto: crypto)
                let groupInfo = try welcome.decryptGroupInfo(joinerSecret: secrets.joinerSecret, pskSecret: nil, crypto: crypto)
                var problems: [String] = []
                if !groupInfo.verifySignature(signatureKey: c.signer_pub.bytes, crypto: crypto) { problems.append("GroupInfo signature does not verify") }
                do {
                    _ = try groupInfo.verifiedEpochSecrets(joinerSecret: secrets.joinerSecret, pskSecret: nil, crypto: crypto)
                } catch {
                    problems.append("\(error)")
                }
                result.record(label, suite: c.cipher_suite, problems: problems)
            } catch {
                result.fail(label, suite: c.cipher_suite, "\(error)")
            }
        }
        return result
    }
}
