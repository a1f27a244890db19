public import Foundation

/// Where the official test vectors live, and whether their absence is an error.
///
/// The vectors are never committed to the project. Tests and the conformance tool
/// find them through `LETTERLOCK_VECTORS` (default `../shared/vectors`, relative to
/// the package root, which is where `swift test` runs). With `CI=true` a missing
/// vector set fails the run; elsewhere the tests that need it report themselves
/// skipped, loudly (see ``skipNotice(_:)``).
public enum TestVectors {
    /// The vector root: `LETTERLOCK_VECTORS` if set, else `../shared/vectors`.
    public static var root: URL {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["LETTERLOCK_VECTORS"], !configured.isEmpty {
            return URL(fileURLWithPath: configured, isDirectory: true).standardizedFileURL
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return cwd.appendingPathComponent("../shared/vectors", isDirectory: true).standardizedFileURL
    }

    /// True when running in CI (`CI=true`): missing vectors are then a failure, not a skip.
    public static var areRequired: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }

    /// The URL of `relativePath` under the vector root.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// Whether `relativePath` (a file or folder under the root) exists.
    public static func isAvailable(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    /// The contents of a vector file.
    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// A loud, one-line notice for a vector test that is being skipped, printed to stderr.
    /// Use it as the comment of `.enabled(if:)` and print it once per skipped suite.
    public static func skipNotice(_ relativePath: String) -> String {
        "SKIPPED: test vectors not found at \(url(relativePath).path). Set LETTERLOCK_VECTORS or run `make vectors`."
    }

    /// `isAvailable(relativePath)`, printing ``skipNotice(_:)`` to stderr when it is not.
    /// Under CI the vector-presence test fails instead (see `TestVectorsTests`).
    public static func availableOrWarn(_ relativePath: String) -> Bool {
        if isAvailable(relativePath) { return true }
        FileHandle.standardError.write(Data((skipNotice(relativePath) + "\n").utf8))
        return false
    }

    /// Every vector set the project's tests read. `TestVectorsTests` checks each is present under CI.
    public static let requiredSets = ["mls", "xwing", "hpke-pq", "pdq", "vrf", "merkle", "keytrans"]
}
