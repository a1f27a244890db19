/// The outcome of running one vector file: counts per case, and a short reason per failure.
///
/// A case whose cipher suite we do not implement (4 and 6: X448/Ed448 are not in swift-crypto)
/// counts as skipped, never dropped.
public struct VectorResult: Sendable, Equatable {
    public var passed: Int
    public var failed: Int
    public var skipped: Int
    /// One line per failed check: the case index and what differed (no key material).
    public var failures: [String]

    public init(passed: Int = 0, failed: Int = 0, skipped: Int = 0, failures: [String] = []) {
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.failures = failures
    }

    /// The one-line summary the conformance tool prints: `N passed, N failed, N skipped`.
    public var summary: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// Whether nothing failed.
    public var isSuccess: Bool { failed == 0 }

    /// Records one case: passed when `problems` is empty, else failed with each problem prefixed by `label`.
    public mutating func record(_ label: String, problems: [String]) {
        if problems.isEmpty {
            passed += 1
        } else {
            failed += 1
            failures.append(contentsOf: problems.map { "\(label): \($0)" })
        }
    }

    /// Records one failed case.
    public mutating func fail(_ label: String, _ reason: String) {
        failed += 1
        failures.append("\(label): \(reason)")
    }
}
