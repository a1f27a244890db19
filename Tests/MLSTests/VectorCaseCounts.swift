import Foundation
import MLSInterop
import TestVectors
import Testing

/// What a vector file's runner must report, counted from the file itself (never typed in):
/// every case of suites 1, 2, 3, 5 and 7 passes, every case of suites 4 and 6 (X448/Ed448, not
/// in swift-crypto) is skipped, nothing fails, and the split by suite says the same.
struct VectorCaseCounts {
    static let runnableSuites: Set<UInt16> = [1, 2, 3, 5, 7]
    static let unimplementedSuites: Set<UInt16> = [4, 6]

    /// Cases per `cipher_suite`.
    let casesBySuite: [UInt16: Int]

    private struct SuiteCase: Decodable {
        let cipher_suite: UInt16
    }

    private struct AnyCase: Decodable {}

    /// The number of cases (top-level array elements) of a vector file.
    static func caseCount(_ file: String) throws -> Int {
        try JSONDecoder().decode([AnyCase].self, from: Data(contentsOf: TestVectors.url(file))).count
    }

    init(file: String) throws {
        let cases = try JSONDecoder().decode([SuiteCase].self, from: Data(contentsOf: TestVectors.url(file)))
        casesBySuite = Dictionary(cases.map { ($0.cipher_suite, 1) }, uniquingKeysWith: +)
    }

    var runnable: Int { casesBySuite.filter { Self.runnableSuites.contains($0.key) }.values.reduce(0, +) }
    var unimplemented: Int { casesBySuite.filter { Self.unimplementedSuites.contains($0.key) }.values.reduce(0, +) }

    /// Checks `result` case for case against the file.
    func expectExact(_ result: VectorResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            Set(casesBySuite.keys).isSubset(of: Self.runnableSuites.union(Self.unimplementedSuites)), "unexpected suite in file",
            sourceLocation: sourceLocation)
        #expect(runnable > 0, "no runnable case in the file", sourceLocation: sourceLocation)
        #expect(result.failures == [], sourceLocation: sourceLocation)
        #expect(result.failed == 0, sourceLocation: sourceLocation)
        #expect(result.passed == runnable, sourceLocation: sourceLocation)
        #expect(result.skipped == unimplemented, sourceLocation: sourceLocation)
        #expect(result.isSuccess, sourceLocation: sourceLocation)
        #expect(Set(result.bySuite.keys) == Set(casesBySuite.keys), "every suite is accounted for", sourceLocation: sourceLocation)
        for (suite, count) in casesBySuite {
            let counts = result.bySuite[suite]
            let runs = Self.runnableSuites.contains(suite)
            #expect(counts?.passed == (runs ? count : 0), "suite \(suite) passed", sourceLocation: sourceLocation)
            #expect(counts?.failed == 0, "suite \(suite) failed", sourceLocation: sourceLocation)
            #expect(counts?.skipped == (runs ? 0 : count), "suite \(suite) skipped", sourceLocation: sourceLocation)
        }
    }
}
