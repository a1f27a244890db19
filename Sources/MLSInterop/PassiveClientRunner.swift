public import Foundation
import MLS
import WireFormat

/// `passive-client-*.json` (FORMAT.md "Passive Client Scenarios"): join a group from a Welcome
/// (with the ratchet tree from the Welcome or given out of band, and the file's external PSKs),
/// check the epoch authenticator, then for each epoch process the proposals and the Commit
/// (proposals by value and by reference, PublicMessage or PrivateMessage, with or without path,
/// PSKs) through ``MLSGroup/process(_:)`` and check the epoch authenticator again. Works for any
/// file in that format: welcome joins, commits, random multi-epoch runs.
///
/// Lifetimes are NOT checked against a clock: the vectors' KeyPackages expired long ago, so the
/// group runs with ``LifetimePolicy/ignore`` (the injected clock turned off), as OpenMLS runs
/// these vectors. Credentials are accepted as they are (``AcceptAllCredentialsValidator``): the
/// vectors' basic credentials are arbitrary names. Suites 4 and 6 count as skipped.
public struct PassiveClientRunner: VectorRunner {
    public static let kind = "passive-client"
    public init() {}

    struct ExternalPSK: Decodable {
        let psk_id: HexBytes
        let psk: HexBytes
    }

    struct Epoch: Decodable {
        let proposals: [HexBytes]
        let commit: HexBytes
        let epoch_authenticator: HexBytes
    }

    struct Case: Decodable {
        let cipher_suite: UInt16
        let external_psks: [ExternalPSK]
        let key_package: HexBytes
        let signature_priv: HexBytes
        let encryption_priv: HexBytes
        let init_priv: HexBytes
        let welcome: HexBytes
        let ratchet_tree: HexBytes?
        let initial_epoch_authenticator: HexBytes
        let epochs: [Epoch]
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, c) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(c.cipher_suite))"
            guard let crypto = result.crypto(forSuite: c.cipher_suite, label: label) else { continue }
            result.record(label, suite: c.cipher_suite, problems: Self.check(c, crypto: crypto))
        }
        return result
    }

    static func check(_ c: Case, crypto: CryptoSuite) -> [String] {
        var group: MLSGroup
        do {
            guard case .keyPackage(let keyPackage) = try MLSMessage(wireBytes: c.key_package.bytes).body else {
                return ["key_package is not a KeyPackage"]
            }
            guard case .welcome(let welcome) = try MLSMessage(wireBytes: c.welcome.bytes).body else { return ["welcome is not a Welcome"] }
            let keys = MLSGroup.MemberKeys(
                initKey: try HPKEPrivateKey(kem: crypto.kem, serialized: leftPadded(c.init_priv.bytes, crypto)),
                encryptionKey: try HPKEPrivateKey(kem: crypto.kem, serialized: leftPadded(c.encryption_priv.bytes, crypto)),
                signatureKey: try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: c.signature_priv.bytes))
            var store = InMemoryPSKStore()
            for psk in c.external_psks { store.add(id: psk.psk_id.bytes, psk: Secret(bytes: psk.psk.bytes)) }
            let configuration = MLSGroup.Configuration(
                lifetimePolicy: .ignore, credentialValidator: AcceptAllCredentialsValidator(), pskStore: store,
                resumptionPSKRetention: 10_000)  // any earlier epoch may be named by a resumption PSK
            let tree = try c.ratchet_tree.map { try RatchetTreeIn(wireBytes: $0.bytes) }
            group = try MLSGroup(joining: welcome, keyPackage: keyPackage, privateKeys: keys, ratchetTree: tree, configuration: configuration)
        } catch {
            return ["join: \(error)"]
        }
        guard group.epochAuthenticator == Secret(bytes: c.initial_epoch_authenticator.bytes) else {
            return ["initial epoch authenticator differs"]
        }
        for (e, epoch) in c.epochs.enumerated() {
            do {
                for (p, proposal) in epoch.proposals.enumerated() {
                    guard case .proposal = try group.process(try MLSMessage(wireBytes: proposal.bytes)) else {
                        return ["epoch \(e): proposal \(p) was not processed as a proposal"]
                    }
                }
                guard case .commit = try group.process(try MLSMessage(wireBytes: epoch.commit.bytes)) else {
                    return ["epoch \(e): commit was not processed as a commit"]
                }
            } catch {
                return ["epoch \(e): \(error)"]
            }
            guard group.epochAuthenticator == Secret(bytes: epoch.epoch_authenticator.bytes) else {
                return ["epoch \(e): epoch authenticator differs"]
            }
        }
        return []
    }

    /// The P-521 private keys in these files are minimal big-endian integers (65 bytes), where
    /// RFC 9180 §7.1.2 `SerializePrivateKey` gives `Nsk` = 66 bytes: left-pad a shorter DH scalar.
    static func leftPadded(_ bytes: [UInt8], _ crypto: CryptoSuite) -> [UInt8] {
        let size = crypto.kem.privateKeyByteCount
        guard crypto.kem != .xwing, bytes.count < size else { return bytes }
        return [UInt8](repeating: 0, count: size - bytes.count) + bytes
    }
}
