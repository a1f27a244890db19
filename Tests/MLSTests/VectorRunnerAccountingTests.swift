import Foundation
import MLSInterop
import TestVectors
import Testing

/// A runner never turns a failure into a skip, and an empty run is not a success (review L2).
@Suite struct VectorRunnerAccountingTests {
    static var runners: [(file: String, runner: any VectorRunner.Type)] {
        [
            ("mls/treekem.json", TreeKEMVectorRunner.self),
            ("mls/tree-operations.json", TreeOperationsVectorRunner.self),
            ("mls/tree-validation.json", TreeValidationVectorRunner.self),
            ("mls/welcome.json", WelcomeVectorRunner.self),
            ("mls/secret-tree.json", SecretTreeRunner.self),
        ]
    }

    /// The file's first case with its `cipher_suite` replaced by `suite`, as a one-case file.
    static func firstCase(of file: String, suite: UInt16) throws -> Data {
        let cases = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: TestVectors.url(file))) as? [[String: Any]])
        var first = try #require(cases.first)
        first["cipher_suite"] = Int(suite)
        return try JSONSerialization.data(withJSONObject: [first])
    }

    @Test(.enabled(if: runners.allSatisfy { TestVectors.availableOrWarn($0.file) }))
    func anUnknownSuiteFailsAndTheUnimplementedOnesSkip() throws {
        for (file, runner) in Self.runners {
            let unknown = try runner.init().run(Self.firstCase(of: file, suite: 0x7777))
            #expect(unknown.failed == 1, "\(file)")
            #expect(unknown.skipped == 0, "\(file)")
            #expect(unknown.bySuite[0x7777]?.failed == 1, "\(file)")
            #expect(!unknown.isSuccess, "\(file)")

            let x448 = try runner.init().run(Self.firstCase(of: file, suite: 4))
            #expect(x448.skipped == 1 && x448.failed == 0 && x448.passed == 0, "\(file)")
            #expect(x448.bySuite[4]?.skipped == 1, "\(file)")
            #expect(!x448.isSuccess, "\(file): nothing ran")
        }
    }

    @Test func anEmptyFileIsNotASuccess() throws {
        for (_, runner) in Self.runners {
            let result = try runner.init().run(Data("[]".utf8))
            #expect(result.passed == 0 && result.failed == 0 && result.skipped == 0)
            #expect(!result.isSuccess)
        }
    }
}
