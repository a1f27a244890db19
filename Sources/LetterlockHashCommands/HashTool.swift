public import ArgumentParser

/// `letterlock-hash`: PDQ perceptual hashes and exact hashes of image files, and matching against banks.
///
/// Every subcommand processes all its files even when some fail: each failure is one clear line on
/// stderr (the file name and the kind of error, never file contents), and the exit code is 1 at the end.
public struct HashTool: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "letterlock-hash",
        abstract: "PDQ perceptual hashes and exact hashes of images, and matching against hash banks.",
        subcommands: [PDQCommand.self, MD5Command.self, SHA256Command.self, MatchCommand.self]
    )

    public init() {}
}

/// Where a command writes: injectable so tests can capture it.
public struct CommandOutput: Sendable {
    public var standardOutput: @Sendable (String) -> Void
    public var standardError: @Sendable (String) -> Void

    public init(standardOutput: @escaping @Sendable (String) -> Void, standardError: @escaping @Sendable (String) -> Void) {
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// The process's stdout and stderr, one line per call.
    public static let console = CommandOutput(
        standardOutput: { print($0) },
        standardError: { line in FileHandleOutput.writeError(line + "\n") }
    )
}

extension ParsableCommand {
    /// Maps a runner's exit status to ArgumentParser's.
    func finish(_ status: Int32) throws {
        if status != 0 { throw ExitCode(status) }
    }
}
