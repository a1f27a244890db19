import MLSInterop
import TestVectors
import Testing

/// `welcome.json`: GroupSecrets and GroupInfo decryption, signature and confirmation tag.
@Suite struct WelcomeVectorTests {
    static let file = "mls/welcome.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try WelcomeVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.passed == 5)
        #expect(result.skipped == 2)  // suites 4 and 6 (X448/Ed448): not in swift-crypto
    }
}
