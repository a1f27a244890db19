import MLSInterop
import TestVectors
import Testing

/// `tree-validation.json`: resolutions, tree hashes, parent hashes and whole-tree validation.
@Suite struct TreeValidationVectorTests {
    static let file = "mls/tree-validation.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try TreeValidationVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}

/// `tree-operations.json`: Add, Update and Remove applied to a tree, serialized and hashed.
@Suite struct TreeOperationsVectorTests {
    static let file = "mls/tree-operations.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try TreeOperationsVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
