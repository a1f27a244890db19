import MLSInterop
import TestVectors
import Testing

/// `passive-client-*.json`: join from a Welcome and follow every epoch through `MLSGroup`.
/// Counts pinned per suite from the files themselves (suites 4 and 6 skipped).
@Suite struct GroupPassiveClientVectorTests {
    @Test(.enabled(if: TestVectors.availableOrWarn("mls/passive-client-welcome.json")))
    func welcome() throws {
        try run("mls/passive-client-welcome.json")
    }

    @Test(.enabled(if: TestVectors.availableOrWarn("mls/passive-client-handling-commit.json")))
    func handlingCommit() throws {
        try run("mls/passive-client-handling-commit.json")
    }

    private func run(_ file: String) throws {
        let result = try PassiveClientRunner().run(contentsOf: TestVectors.url(file))
        try VectorCaseCounts(file: file).expectExact(result)
    }
}
