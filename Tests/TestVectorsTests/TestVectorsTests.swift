import Foundation
import Testing
import TestVectors

@Suite struct TestVectorsTests {
    /// Under CI (`CI=true`) a missing vector set is a failure; elsewhere vector tests skip loudly.
    @Test(arguments: TestVectors.requiredSets)
    func vectorSetIsPresentUnderCI(set: String) {
        let present = TestVectors.availableOrWarn(set)
        if TestVectors.areRequired {
            #expect(present, "CI=true but the \(set) test vectors are missing at \(TestVectors.url(set).path)")
        }
    }

    @Test func vectorChecksumsFileIsReadableWhenPresent() throws {
        guard TestVectors.isAvailable("SHA256SUMS") else { return }
        let sums = try String(decoding: TestVectors.data("SHA256SUMS"), as: UTF8.self)
        #expect(sums.split(separator: "\n").count > 10)
    }
}
