import MLSInterop
import TestVectors
import Testing

/// `welcome.json`: GroupSecrets and GroupInfo decryption, signature and confirmation tag.
@Suite struct WelcomeVectorTests {
    static let file = "mls/welcome.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try WelcomeVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
