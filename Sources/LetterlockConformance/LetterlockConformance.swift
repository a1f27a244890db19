import ArgumentParser
import Foundation
import MLSInterop

/// `letterlock-conformance`: runs the official interop test vectors from the command line.
@main
struct LetterlockConformance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterlock-conformance",
        abstract: "Run the official interop test vectors against Letterlock's implementations.",
        subcommands: [MLSCommand.self, KEMCommand.self]
    )
}

/// `letterlock-conformance mls KIND FILE`: one line `N passed, N failed, N skipped`; exit status
/// non-zero when any case failed, the kind is unknown or not implemented, or the file is unusable.
struct MLSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mls",
        abstract: "Run one MLS (RFC 9420) interop vector file.",
        discussion: "Kinds: \(MLSConformance.allKinds.joined(separator: ", ")). Failure details go to stderr."
    )

    @Argument(help: "The vector kind (e.g. tree-math, crypto-basics, deserialization).")
    var kind: String

    @Argument(help: "The vector file (JSON).")
    var file: String

    @Flag(help: "After the summary line, print one line per cipher suite: `suite N: N passed, N failed, N skipped`.")
    var bySuite = false

    func run() throws {
        guard MLSConformance.allKinds.contains(kind) else {
            throw ValidationError(
                "unknown kind '\(kind)'. Implemented kinds: \(MLSConformance.implementedKinds.joined(separator: ", "))"
            )
        }
        guard let runner = MLSConformance.runner(for: kind) else {
            printError(
                "kind '\(kind)' is not implemented yet. Implemented kinds: \(MLSConformance.implementedKinds.joined(separator: ", "))"
            )
            throw ExitCode(2)
        }
        let result: VectorResult
        do {
            result = try runner.init().run(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        print(result.summary)
        if bySuite {
            for (suite, counts) in result.bySuite.sorted(by: { $0.key < $1.key }) {
                print("suite \(suite): \(counts.passed) passed, \(counts.failed) failed, \(counts.skipped) skipped")
            }
        }
        for failure in result.failures.prefix(50) { printError(failure) }
        if result.failures.count > 50 { printError("... \(result.failures.count - 50) more failures") }
        if !result.isSuccess { throw ExitCode.failure }
    }

    private func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// `letterlock-conformance kem KIND FILE` for the KEM vector sets the MLS suites rest on:
/// `hpke-pq` (DeriveKeyPair and Decap, draft-ietf-hpke-pq), `hpke-pq-context` (the same file's
/// encryptions and exports through SetupBaseR) and `xwing` (draft-connolly-cfrg-xwing-kem).
struct KEMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kem",
        abstract: "Run a KEM vector file (hpke-pq, hpke-pq-context or xwing)."
    )

    @Argument(help: "hpke-pq, hpke-pq-context or xwing.")
    var kind: String

    @Argument(help: "The vector file (JSON).")
    var file: String

    func run() throws {
        let runner: any VectorRunner.Type
        switch kind {
        case HPKEPQRunner.kind: runner = HPKEPQRunner.self
        case HPKEPQContextRunner.kind: runner = HPKEPQContextRunner.self
        case XWingRunner.kind: runner = XWingRunner.self
        default: throw ValidationError("unknown kind '\(kind)'. Kinds: hpke-pq, hpke-pq-context, xwing")
        }
        let result: VectorResult
        do {
            result = try runner.init().run(contentsOf: URL(fileURLWithPath: file))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(result.summary)
        for failure in result.failures { FileHandle.standardError.write(Data((failure + "\n").utf8)) }
        if !result.isSuccess { throw ExitCode.failure }
    }
}
