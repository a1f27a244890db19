import MLSInterop
import TestVectors
import Testing

/// `key-schedule.json`: every case for suites 1, 2, 3, 5, 7 passes; 4 and 6 are skipped.
@Suite struct KeyScheduleVectorTests {
    static let file = "mls/key-schedule.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allSupportedSuitesPass() throws {
        let result = try KeyScheduleRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
