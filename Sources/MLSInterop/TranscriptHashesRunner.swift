public import Foundation
import MLS
import WireFormat

/// `transcript-hashes.json` (RFC 9420 §8.2): the AuthenticatedContent decodes and holds a Commit,
/// its confirmation tag is `MAC(confirmation_key, confirmed_transcript_hash_after)` (checked in
/// constant time), and updating `interim_transcript_hash_before` with it gives both "after" hashes.
public struct TranscriptHashesRunner: VectorRunner {
    public static let kind = "transcript-hashes"
    public init() {}

    struct Case: Decodable {
        let cipher_suite: UInt16
        let confirmation_key: HexBytes
        let authenticated_content: HexBytes
        let interim_transcript_hash_before: HexBytes
        let confirmed_transcript_hash_after: HexBytes
        let interim_transcript_hash_after: HexBytes
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, test) in try Self.decodeCases(Case.self, from: data).enumerated() {
            let label = "case \(index) (suite \(test.cipher_suite))"
            guard let crypto = result.crypto(forSuite: test.cipher_suite, label: label) else { continue }
            var check = CaseCheck()
            check.attempt("transcript hashes") { check in
                let content = try AuthenticatedContent(wireBytes: test.authenticated_content.bytes)
                check.expect(content.content.contentType == .commit, "authenticated_content is not a Commit")
                check.expect(content.wireBytes == test.authenticated_content.bytes, "authenticated_content does not re-encode identically")
                let hashes = try TranscriptHashes.update(crypto: crypto, interimBefore: test.interim_transcript_hash_before.bytes, commit: content)
                check.expect(hashes.confirmed == test.confirmed_transcript_hash_after.bytes, "confirmed_transcript_hash_after differs")
                check.expect(hashes.interim == test.interim_transcript_hash_after.bytes, "interim_transcript_hash_after differs")
                check.expect(
                    crypto.verifyMAC(
                        key: Secret(bytes: test.confirmation_key.bytes), data: test.confirmed_transcript_hash_after.bytes,
                        tag: content.auth.confirmationTag ?? []),
                    "confirmation_tag is not MAC(confirmation_key, confirmed_transcript_hash_after)")
            }
            result.record(label, suite: test.cipher_suite, problems: check.problems)
        }
        return result
    }
}
