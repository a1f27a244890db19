import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A server under test, run as a child process so that its resident memory and CPU time are its
/// own (read from /proc/PID), not mixed with the simulated clients'.
final class BenchServerProcess: Sendable {
    let process: Process
    /// Host and port from the server's "listening on http://HOST:PORT" line.
    let host: String
    let port: Int

    /// Starts `executable` and waits (at most 60 s) for its "listening on" line on stdout.
    init(executable: URL, arguments: [String], environment: [String: String] = [:]) async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("listening on"), Date() < deadline, process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.contains("listening on") }),
            let url = URL(string: String(line.split(separator: " ").last ?? "")), let host = url.host, let port = url.port
        else {
            if process.isRunning { process.terminate() }
            throw BenchError("\(executable.lastPathComponent) did not start: \(text.prefix(300))")
        }
        self.host = host
        self.port = port
    }

    /// Resident set size in bytes (`VmRSS` of /proc/PID/status).
    func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    /// The process's CPU time and context switches so far, process-wide and per thread.
    func counters() -> ProcessCounters {
        ProcessCounters.read(pid: String(process.processIdentifier))
    }

    /// SIGTERM, then SIGKILL if it has not exited after 20 s.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
