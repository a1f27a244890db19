import MLSInterop
import TestVectors
import Testing

/// `transcript-hashes.json`: every case for suites 1, 2, 3, 5, 7 passes; 4 and 6 are skipped.
@Suite struct TranscriptHashesVectorTests {
    static let file = "mls/transcript-hashes.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allSupportedSuitesPass() throws {
        let result = try TranscriptHashesRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
