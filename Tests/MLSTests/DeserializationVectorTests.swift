import MLSInterop
import TestVectors
import Testing

/// `deserialization.json`: the §2.1.2 variable-length header, decoded and re-encoded.
@Suite struct DeserializationVectorTests {
    static let file = "mls/deserialization.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try DeserializationRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.skipped == 0)
        #expect(result.passed == (try VectorCaseCounts.caseCount(Self.file)))  // every case of the file
        #expect(result.isSuccess)
    }
}
