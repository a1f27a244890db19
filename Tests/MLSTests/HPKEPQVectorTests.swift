import MLSInterop
import TestVectors
import Testing

/// `hpke-pq/test-vectors.json`: DeriveKeyPair and Decap for every KEM we implement.
@Suite struct HPKEPQVectorTests {
    static let file = "hpke-pq/test-vectors.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func derivedKeysMatchAndDecapsulate() throws {
        let result = try HPKEPQRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.passed > 0)
    }
}
