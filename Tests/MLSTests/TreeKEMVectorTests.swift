import MLSInterop
import TestVectors
import Testing

/// `treekem.json`: merging, decrypting and creating UpdatePaths.
@Suite struct TreeKEMVectorTests {
    static let file = "mls/treekem.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try TreeKEMVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        try VectorCaseCounts(file: Self.file).expectExact(result)
    }
}
