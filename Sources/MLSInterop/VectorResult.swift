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
    /// The same counts split by cipher suite, for files whose cases name one.
    public var bySuite: [UInt16: Counts] = [:]

    /// Passed / failed / skipped counts.
    public struct Counts: Sendable, Equatable {
        public var passed = 0
        public var failed = 0
        public var skipped = 0
    }

    public init(passed: Int = 0, failed: Int = 0, skipped: Int = 0, failures: [String] = []) {
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.failures = failures
    }

    /// The one-line summary the conformance tool prints: `N passed, N failed, N skipped`.
    public var summary: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// Whether at least one case ran and none failed: a file whose cases were all skipped (or
    /// that has none) proves nothing, so the conformance tool must not report it as a pass.
    public var isSuccess: Bool { failed == 0 && passed > 0 }

    /// Records one case: passed when `problems` is empty, else failed with each problem prefixed by `label`.
    public mutating func record(_ label: String, suite: UInt16? = nil, problems: [String]) {
        if problems.isEmpty {
            passed += 1
            if let suite { bySuite[suite, default: Counts()].passed += 1 }
        } else {
            failed += 1
            if let suite { bySuite[suite, default: Counts()].failed += 1 }
            failures.append(contentsOf: problems.map { "\(label): \($0)" })
        }
    }

    /// Records one failed case.
    public mutating func fail(_ label: String, suite: UInt16? = nil, _ reason: String) {
        failed += 1
        if let suite { bySuite[suite, default: Counts()].failed += 1 }
        failures.append("\(label): \(reason)")
    }

    /// Records one skipped case.
    public mutating func skip(suite: UInt16? = nil) {
        skipped += 1
        if let suite { bySuite[suite, default: Counts()].skipped += 1 }
    }
}
