import MLSInterop
import TestVectors
import Testing

/// `treekem.json`: merging, decrypting and creating UpdatePaths.
@Suite struct TreeKEMVectorTests {
    static let file = "mls/treekem.json"

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func allCasesPass() throws {
        let result = try TreeKEMVectorRunner().run(contentsOf: TestVectors.url(Self.file))
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.passed == 55)
        #expect(result.skipped == 22)  // suites 4 and 6 (X448/Ed448): not in swift-crypto
    }
}
