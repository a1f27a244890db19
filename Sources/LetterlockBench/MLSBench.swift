import ArgumentParser
import Crypto
import Foundation
import MLS

/// `letterlock-bench mls`: MLS figures, each beside the cost of the primitives it needs, measured
/// in the same run.
///
/// So far: protecting and unprotecting one application PrivateMessage (RFC 9420 §6.3) of 100 B
/// and of 1 MiB, for suite 1 and the post-quantum default, against the primitives that message
/// needs, called on swift-crypto directly: one Ed25519 signature and one verification of the
/// same size, and AES-GCM seal + open of the content and of the sender data. The rest (secret-tree
/// ratchet and sender-data key derivations, encodings, copies) is our overhead.
/// And the group figures (``measureGroup(suite:size:reporter:)``): add N members in one Commit,
/// join from the Welcome, commit with a path, process that Commit (`--group-sizes`).
struct MLSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mls",
        abstract: "MLS: application messages and group operations (add, join, commit, process) vs. their primitives."
    )

    @Option(help: "Group sizes for the group figures, comma-separated (empty: skip them).")
    var groupSizes = "1000,10000"

    @OptionGroup var options: BenchOptions

    @Option(help: "Messages per timing of the 100 B case (the 1 MiB case uses a tenth of the smallest sensible count).")
    var messages = 2_000

    @Option(help: "Timings per figure; the best is reported.")
    var repetitions = 5

    func run() throws {
        let reporter = options.reporter
        for suite in [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault] {
            for size in [100, 1 << 20] {
                let count = size > 4096 ? max(5, messages / 200) : messages
                try measure(suite: suite, size: size, count: count, reporter: reporter)
            }
        }
        let sizes = groupSizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        for suite in [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault] {
            for size in sizes { try measureGroup(suite: suite, size: size, reporter: reporter) }
        }
    }

    private func measure(suite: CipherSuite, size: Int, count: Int, reporter: BenchReporter) throws {
        let crypto = try suite.crypto()
        let name = suite.rawValue == CipherSuite.provisionalMLKEM768X25519Codepoint ? "pq-default" : "suite-\(suite.rawValue)"
        let sizeName = size >= 1 << 20 ? "\(size >> 20) MiB" : "\(size) B"
        let context = GroupContext(cipherSuite: suite, groupID: Array(repeating: 1, count: 16), epoch: 1, treeHash: Array(repeating: 2, count: 32), confirmedTranscriptHash: Array(repeating: 3, count: 32))
        let protection = MessageProtection(crypto: crypto, groupContext: context)
        let signer = SignaturePrivateKey.generate(scheme: crypto.signatureScheme)
        let publicKey = signer.publicKey
        let encryptionSecret = Secret(bytes: [UInt8](repeating: 4, count: crypto.hashLength))
        let senderDataSecret = Secret(bytes: [UInt8](repeating: 5, count: crypto.hashLength))
        let payload = [UInt8](repeating: 0x5a, count: size)
        let content = FramedContent(
            groupID: context.groupID, epoch: 1, sender: .member(leafIndex: 1), authenticatedData: [], body: .application(payload))

        // The message: protect + unprotect, keys advancing in order on both sides.
        var failures = 0
        func runMessages() throws {
            var sender = try SecretTree(crypto: crypto, encryptionSecret: encryptionSecret, leafCount: 2)
            var receiver = try SecretTree(crypto: crypto, encryptionSecret: encryptionSecret, leafCount: 2)
            for index in 0..<count {
                let reuseGuard = withUnsafeBytes(of: UInt32(truncatingIfNeeded: index)) { Array($0) }
                let message = try protection.protectPrivate(
                    content, signer: signer, secretTree: &sender, senderDataSecret: senderDataSecret, reuseGuard: reuseGuard)
                let opened = try protection.unprotectPrivate(
                    message, secretTree: &receiver, senderDataSecret: senderDataSecret, signaturePublicKey: { _ in publicKey })
                if opened.content.authenticatedData.count != 0 { failures += 1 }
            }
        }

        // The primitives, called on swift-crypto directly (none of our wrappers or encodings): one
        // Ed25519 signature and one verification over a SignContent of the message's size, and
        // the AEAD seal + open of the content and of the 12-byte SenderData that a PrivateMessage
        // needs (RFC 9420 §6.3). Both suites here are Ed25519 with AES-128-GCM.
        precondition(crypto.signatureScheme == .ed25519 && crypto.aead == .aes128GCM, "reference written for Ed25519 + AES-128-GCM")
        let signContent = [UInt8](repeating: 0x33, count: size + 160 + 26)
        let rawSigner = Curve25519.Signing.PrivateKey()
        let rawKey = SymmetricKey(size: .bits128)
        let rawNonce = AES.GCM.Nonce()
        let plaintext = [UInt8](repeating: 0x5a, count: size + 8 + signatureSize(crypto))
        let senderData = [UInt8](repeating: 0x11, count: 12)
        let aad = [UInt8](repeating: 1, count: 28)
        func runPrimitives() throws {
            for _ in 0..<count {
                let signature = try rawSigner.signature(for: signContent)
                if !rawSigner.publicKey.isValidSignature(signature, for: signContent) { failures += 1 }
                let sealed = try AES.GCM.seal(plaintext, using: rawKey, nonce: rawNonce, authenticating: aad)
                if try AES.GCM.open(sealed, using: rawKey, authenticating: aad).count != plaintext.count { failures += 1 }
                let sealedSender = try AES.GCM.seal(senderData, using: rawKey, nonce: rawNonce, authenticating: aad)
                if try AES.GCM.open(sealedSender, using: rawKey, authenticating: aad).count != senderData.count { failures += 1 }
            }
        }

        // Best of `repetitions` each, the two timings interleaved: on this shared machine the load
        // changes within seconds, and timing all of one figure before the other skewed the ratio.
        var messageSeconds = Double.infinity
        var primitiveSeconds = Double.infinity
        for _ in 0..<max(1, repetitions) {
            messageSeconds = min(messageSeconds, try Stopwatch.seconds(runMessages))
            primitiveSeconds = min(primitiveSeconds, try Stopwatch.seconds(runPrimitives))
        }
        messageSeconds /= Double(count)
        primitiveSeconds /= Double(count)
        if failures > 0 { reporter.note("warning: \(failures) round trips did not check out") }

        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) application message \(sizeName) encrypt+decrypt", value: messageSeconds * 1e6, unit: "µs",
                reference: "swift-crypto Ed25519 sign+verify + AES-GCM seal/open of content and sender data (\(Int(primitiveSeconds * 1e6)) µs)",
                ratio: messageSeconds / primitiveSeconds))
    }

    private func signatureSize(_ crypto: CryptoSuite) -> Int {
        crypto.signatureScheme == .ed25519 ? 64 : 72
    }
}
