import MLSInterop
import TestVectors
import Testing

/// `secret-tree.json`: every case for suites 1, 2, 3, 5, 7 passes; 4 and 6 are skipped.
@Suite struct SecretTreeVectorTests {
    static let file = "mls/secret-tree.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allSupportedSuitesPass() throws {
        let result = try SecretTreeRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
