import MLSInterop
import TestVectors
import Testing

/// `message-protection.json`: every case for suites 1, 2, 3, 5, 7 passes; 4 and 6 are skipped.
@Suite struct MessageProtectionVectorTests {
    static let file = "mls/message-protection.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allSupportedSuitesPass() throws {
        let result = try MessageProtectionRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
