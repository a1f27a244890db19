import MLSInterop
import TestVectors
import Testing

/// `tree-validation.json`: resolutions, tree hashes, parent hashes and whole-tree validation.
@Suite struct TreeValidationVectorTests {
    static let file = "mls/tree-validation.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try TreeValidationVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.passed == 70)
        #expect(result.skipped == 28)  // suites 4 and 6 (X448/Ed448): not in swift-crypto
    }
}

/// `tree-operations.json`: Add, Update and Remove applied to a tree, serialized and hashed.
@Suite struct TreeOperationsVectorTests {
    static let file = "mls/tree-operations.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try TreeOperationsVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.passed == 5)
        #expect(result.skipped == 0)
    }
}
