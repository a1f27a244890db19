public import Foundation
import MLS
import WireFormat

/// `key-schedule.json`: for each epoch, the GroupContext encoding and every secret of RFC 9420 §8
/// (joiner, welcome, init, sender data, encryption, exporter, epoch authenticator, external,
/// confirmation, membership, resumption), `external_pub = DeriveKeyPair(external_secret)`, and one
/// MLS-Exporter output. The GroupContext (empty extensions) is built with the `GroupContext` struct
/// and its encoding compared with the file's. Epoch `n` starts from epoch `n-1`'s computed `init_secret`.
///
/// The exporter `label` is used as the string it is in the file (it looks like hex, but the
/// generators pass that text itself as the label; decoding it does not reproduce the output).
public struct KeyScheduleRunner: VectorRunner {
    public static let kind = "key-schedule"
    public init() {}

    struct Case: Decodable {
        struct Exporter: Decodable { let label: String; let context: HexBytes; let length: Int; let secret: HexBytes }
        struct Epoch: Decodable {
            let tree_hash: HexBytes; let commit_secret: HexBytes; let psk_secret: HexBytes?; let confirmed_transcript_hash: HexBytes
            let group_context: HexBytes
            let joiner_secret: HexBytes; let welcome_secret: HexBytes; let init_secret: HexBytes
            let sender_data_secret: HexBytes; let encryption_secret: HexBytes; let exporter_secret: HexBytes
            let epoch_authenticator: HexBytes; let external_secret: HexBytes; let confirmation_key: HexBytes
            let membership_key: HexBytes; let resumption_psk: HexBytes; let external_pub: HexBytes
            let exporter: Exporter
        }
        let cipher_suite: UInt16
        let group_id: HexBytes
        let initial_init_secret: HexBytes
        let epochs: [Epoch]
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(test.cipher_suite))"
            guard let crypto = result.crypto(forSuite: test.cipher_suite, label: label) else { continue }
            var check = CaseCheck()
            var initSecret = Secret(bytes: test.initial_init_secret.bytes)
            for (epochNumber, epoch) in test.epochs.enumerated() {
                let at = "epoch \(epochNumber)"
                let groupContext = GroupContext(
                    cipherSuite: CipherSuite(rawValue: test.cipher_suite), groupID: test.group_id.bytes, epoch: UInt64(epochNumber),
                    treeHash: epoch.tree_hash.bytes, confirmedTranscriptHash: epoch.confirmed_transcript_hash.bytes
                ).wireBytes
                check.expect(groupContext == epoch.group_context.bytes, "\(at): group_context differs")
                check.attempt(at) { check in
                    let secrets = try KeySchedule.epochSecrets(
                        crypto: crypto, initSecret: initSecret, commitSecret: Secret(bytes: epoch.commit_secret.bytes),
                        pskSecret: epoch.psk_secret.map { Secret(bytes: $0.bytes) }, groupContext: groupContext)
                    let expected: [(String, Secret, HexBytes)] = [
                        ("joiner_secret", secrets.joinerSecret, epoch.joiner_secret),
                        ("welcome_secret", secrets.welcomeSecret, epoch.welcome_secret),
                        ("init_secret", secrets.initSecret, epoch.init_secret),
                        ("sender_data_secret", secrets.senderDataSecret, epoch.sender_data_secret),
                        ("encryption_secret", secrets.encryptionSecret, epoch.encryption_secret),
                        ("exporter_secret", secrets.exporterSecret, epoch.exporter_secret),
                        ("epoch_authenticator", secrets.epochAuthenticator, epoch.epoch_authenticator),
                        ("external_secret", secrets.externalSecret, epoch.external_secret),
                        ("confirmation_key", secrets.confirmationKey, epoch.confirmation_key),
                        ("membership_key", secrets.membershipKey, epoch.membership_key),
                        ("resumption_psk", secrets.resumptionPSK, epoch.resumption_psk),
                    ]
                    for (name, got, want) in expected {
                        check.expect(got == Secret(bytes: want.bytes), "\(at): \(name) differs")
                    }
                    check.expect(try secrets.externalKeyPair().publicKey == epoch.external_pub.bytes, "\(at): external_pub differs")
                    let exported = try secrets.export(
                        label: epoch.exporter.label, context: epoch.exporter.context.bytes, length: epoch.exporter.length)
                    check.expect(exported == Secret(bytes: epoch.exporter.secret.bytes), "\(at): exporter secret differs")
                    initSecret = secrets.initSecret
                }
            }
            result.record(label, suite: test.cipher_suite, problems: check.problems)
        }
        return result
    }
}
