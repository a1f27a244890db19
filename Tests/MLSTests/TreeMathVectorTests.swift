import MLSInterop
import TestVectors
import Testing

/// `tree-math.json`: every tree size passes.
@Suite struct TreeMathVectorTests {
    static let file = "mls/tree-math.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try TreeMathRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.skipped == 0)
        #expect(result.passed == (try VectorCaseCounts.caseCount(Self.file)))  // every case of the file
        #expect(result.isSuccess)
    }
}
