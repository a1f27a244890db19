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

    /// User + system CPU seconds the process has used so far (/proc/PID/stat fields 14 and 15).
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
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
