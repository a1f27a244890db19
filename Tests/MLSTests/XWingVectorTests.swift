import MLS
import MLSInterop
import TestVectors
import Testing

/// `xwing/test-vectors.json`: key generation from the seed, and decapsulation.
@Suite struct XWingVectorTests {
    static let file = "xwing/test-vectors.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func keysAndDecapsulationMatch() throws {
        let result = try XWingRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.skipped == 0)
        #expect(result.passed == (try VectorCaseCounts.caseCount(Self.file)))  // every case of the file
        #expect(result.isSuccess)
    }
}
