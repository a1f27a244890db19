public import ArgumentParser
internal import Foundation
internal import PerceptualHash

/// `letterlock-hash md5 FILE...`: `HEX  FILE` per file, the layout `md5sum -c` reads.
public struct MD5Command: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "md5", abstract: "Print the MD5 of each file's bytes.")

    @Flag(help: "One JSON object per line.")
    var json = false

    @Argument(help: "Files.")
    var files: [String]

    public init() {}

    public func run() throws {
        try finish(ExactHashRunner.run(algorithm: .md5, files: files, json: json, output: .console))
    }
}

/// `letterlock-hash sha256 FILE...`: `HEX  FILE` per file, the layout `sha256sum -c` reads.
public struct SHA256Command: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "sha256", abstract: "Print the SHA-256 of each file's bytes.")

    @Flag(help: "One JSON object per line.")
    var json = false

    @Argument(help: "Files.")
    var files: [String]

    public init() {}

    public func run() throws {
        try finish(ExactHashRunner.run(algorithm: .sha256, files: files, json: json, output: .console))
    }
}

/// The logic of the exact-hash subcommands (issue item 4: lists of known material often come as these).
public enum ExactHashRunner {
    public enum Algorithm: String, Sendable {
        case md5
        case sha256
    }

    public static func run(algorithm: Algorithm, files: [String], json: Bool, output: CommandOutput) -> Int32 {
        var failed = false
        for file in files {
            let hashes: ExactHashes
            do {
                hashes = try ExactHashes(contentsOf: URL(fileURLWithPath: file))
            } catch {
                output.standardError("letterlock-hash: \(file): \(error)")
                failed = true
                continue
            }
            let hex = algorithm == .md5 ? hashes.md5.hex : hashes.sha256.hex
            output.standardOutput(json ? JSONLine.encode(["file": file, algorithm.rawValue: hex]) : "\(hex)  \(file)")
        }
        return failed ? 1 : 0
    }
}
