import FileCipher
@testable import LetterlockFiles
import Testing

/// Which relay answers BlobClient retries (docs/files.md): a relay low on disk is not retried,
/// even when its 507 carries no error code (a proxy's page).
@Suite struct BlobClientRetryTests {
    @Test(arguments: [
        ("internal_error", 500, true), ("rate_limited", 429, true), ("busy", 503, true), ("upload_offset_mismatch", 409, true),
        ("http_502", 502, true), ("insufficient_storage", 507, false), ("http_507", 507, false), ("quota_exceeded", 409, false),
        ("not_found", 404, false),
    ] as [(String, Int, Bool)])
    func transientRelayAnswers(code: String, status: Int, transient: Bool) {
        #expect(BlobClient.isTransient(FileError.relay(status: status, code: code)) == transient)
    }
}
