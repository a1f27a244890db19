import MLSInterop
import TestVectors
import Testing

/// `crypto-basics.json`: every case for suites 1, 2, 3, 5, 7 passes; 4 and 6 are skipped.
@Suite struct CryptoBasicsVectorTests {
    static let file = "mls/crypto-basics.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allSupportedSuitesPass() throws {
        let result = try CryptoBasicsRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
