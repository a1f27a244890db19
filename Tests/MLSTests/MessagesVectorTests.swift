import MLSInterop
import TestVectors
import Testing

/// `messages.json`: every RFC 9420 structure decodes and re-encodes byte for byte.
@Suite struct MessagesVectorTests {
    static let file = "mls/messages.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try MessagesVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.skipped == 0)
        #expect(result.passed == (try VectorCaseCounts.caseCount(Self.file)))  // every case of the file
        #expect(result.isSuccess)
    }
}
