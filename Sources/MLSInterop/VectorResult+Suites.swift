import MLS

extension VectorResult {
    /// The primitives for a vector case's suite, or nil after recording the case: skipped for the
    /// registered suites we cannot run (4 and 6), failed for anything else we do not know.
    mutating func crypto(forSuite rawValue: UInt16, label: String) -> CryptoSuite? {
        let suite = CipherSuite(rawValue: rawValue)
        if let crypto = try? suite.crypto() { return crypto }
        if CipherSuite.knownUnsupported.contains(suite) {
            skip(suite: rawValue)
        } else {
            fail(label, suite: rawValue, "unknown cipher suite \(rawValue)")
        }
        return nil
    }
}

/// Collects the problems of one vector case.
struct CaseCheck {
    var problems: [String] = []

    mutating func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { problems.append(what()) }
    }

    /// Runs `body`, recording a thrown error as a problem named `what`.
    mutating func attempt(_ what: String, _ body: (inout CaseCheck) throws -> Void) {
        do {
            try body(&self)
        } catch {
            problems.append("\(what): \(error)")
        }
    }
}
