public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar for transfers in the CLI. It draws on standard error only when
/// standard error is a terminal, and stays silent when it is piped or redirected, so scripts
/// (and `--json`) see clean output.
///
/// ```
/// report.pdf  [#############...............]  45%  120.0 / 266.0 MB  38.2 MB/s
/// ```
public final class TerminalProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let width: Int
    private let lock = NSLock()
    private let started = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var lastLine = ""
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - forceEnabled: draw even when not on a terminal (tests); nil detects with `isatty(2)`.
    ///   - write: where lines go (standard error by default).
    public init(
        label: String, width: Int = 30, forceEnabled: Bool? = nil,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        // A file name could carry terminal escapes: show control characters as "?".
        self.label = String(String.UnicodeScalarView(label.unicodeScalars.map { $0.value < 0x20 || (0x7f..<0xa0).contains($0.value) ? "?" : $0 }))
        self.width = max(10, width)
        self.enabled = forceEnabled ?? (isatty(STDERR_FILENO) == 1)
        self.write = write
    }

    /// Whether this bar draws at all.
    public var isEnabled: Bool { enabled }

    /// Redraws (at most ten times a second, and always at 100 %).
    public func update(_ progress: TransferProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100), progress.completed < progress.total { return }
        lastDraw = now
        let line = Self.render(label: label, progress: progress, width: width, elapsed: now - started)
        guard line != lastLine else { return }
        lastLine = line
        write("\r\u{1B}[2K" + line)
    }

    /// Ends the line (call once when the transfer ends, successfully or not).
    public func finish() {
        guard enabled else { return }
        write("\n")
    }

    /// The bar's text, without control characters.
    public static func render(label: String, progress: TransferProgress, width: Int, elapsed: Duration) -> String {
        let fraction = progress.fraction
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(progress.completed) / seconds / 1e6 : 0
        let percent = String(format: "%3d%%", Int((fraction * 100).rounded(.down)))
        return "\(label)  [\(bar)] \(percent)  \(megabytes(progress.completed)) / \(megabytes(progress.total)) MB  \(String(format: "%.1f", rate)) MB/s"
    }

    private static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
