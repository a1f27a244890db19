import ArgumentParser
import Foundation

/// `letterlock-bench relay` (issue 3, item 11): N simulated devices on loopback WebSockets send
/// sealed messages to each other through the real `letterlock-relay` process, and the same load
/// runs against a minimal WebSocket echo server on the same stack (``RelayEchoServer``), in the
/// same run, with the same client code: the ceiling.
///
/// Both servers run as child processes (the relay on a fresh data directory), so resident memory
/// and CPU time are read from /proc/PID for the server alone. Per target:
/// 1. the relay only: every device registers (`POST /v1/accounts`) and gets a delivery token
///    (`POST /v1/delivery-token`), each from its own loopback address;
/// 2. every device opens its WebSocket and answers the challenge; the server's RSS with N idle
///    authenticated connections minus its RSS before, divided by N, is the memory per idle
///    connection;
/// 3. every device opens its HTTP connection; `--concurrency` senders loop: pick a random sender
///    and recipient, `POST /v1/messages/sealed` (the recipient authorised by its delivery token,
///    as a client does), wait for the 201 and for the push to reach the recipient, which
///    acknowledges it over the WebSocket. Latency is from the start of the send (before encoding
///    the body) to the push being decoded by the recipient; throughput counts pushes received in
///    the measurement window (after `--warmup`).
struct RelayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Relay: delivered messages/s, end-to-end latency and memory per connection vs. a WebSocket echo on the same stack."
    )

    enum Target: String, CaseIterable, ExpressibleByArgument {
        case relay
        case echo
    }

    @OptionGroup var options: BenchOptions

    @Option(help: "Simulated devices (each with one WebSocket and one HTTP connection).")
    var devices = 1_000

    @Option(help: "Messages in flight: senders looping send → push received.")
    var concurrency = 64

    @Option(help: "Seconds of measured load per server (after the warm-up).")
    var duration: Double = 15

    @Option(help: "Measure until this many messages are delivered instead of for --duration (capped at 10 minutes).")
    var messages: Int?

    @Option(help: "Seconds of unmeasured load before the window starts.")
    var warmup: Double = 3

    @Option(help: "Bytes of each MLS message (at least \(BenchMessage.minimumSize)).")
    var payloadBytes = 256

    @Option(help: "Run only one server: relay or echo (no ratio then).")
    var only: Target?

    @Option(help: "The letterlock-relay executable (default: beside letterlock-bench).")
    var relayBinary: String?

    @Option(help: "Directory under which the relay's temporary data directory is made (default: the system temporary directory).")
    var dataDir: String?

    func validate() throws {
        guard (2...SimulatedDevice.maximumDevices).contains(devices) else {
            throw ValidationError("--devices must be in 2...\(SimulatedDevice.maximumDevices)")
        }
        guard concurrency > 0, duration > 0, warmup >= 0, messages.map({ $0 > 0 }) ?? true else {
            throw ValidationError("--concurrency, --duration and --messages must be positive")
        }
        guard (BenchMessage.minimumSize...(1 << 20)).contains(payloadBytes) else {
            throw ValidationError("--payload-bytes must be in \(BenchMessage.minimumSize)...\(1 << 20)")
        }
    }

    func run() async throws {
        let reporter = options.reporter
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var results: [Target: RelayLoadResult] = [:]
        for target in only.map({ [$0] }) ?? Target.allCases {
            progress("\(target.rawValue): \(devices) devices, \(concurrency) in flight, \(payloadBytes)-byte messages; load average \(loadAverageText())")
            let server: BenchServerProcess
            var dataDirectory: URL?
            switch target {
            case .relay:
                let binary = relayBinary.map(URL.init(fileURLWithPath:))
                    ?? executable.deletingLastPathComponent().appendingPathComponent("letterlock-relay")
                guard FileManager.default.isExecutableFile(atPath: binary.path) else {
                    throw ValidationError("no letterlock-relay at \(binary.path): build it (swift build -c release --product letterlock-relay) or pass --relay-binary")
                }
                let parent = dataDir.map(URL.init(fileURLWithPath:)) ?? FileManager.default.temporaryDirectory
                let directory = parent.appendingPathComponent("letterlock-bench-relay-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                dataDirectory = directory
                server = try await BenchServerProcess(
                    executable: binary, arguments: ["--data-dir", directory.path, "--port", "0", "--admin-port", "0"])
            case .echo:
                server = try await BenchServerProcess(executable: executable, arguments: ["relay-echo-server", "--port", "0"])
            }
            do {
                let load = RelayLoad(
                    server: server, target: target, devices: devices, concurrency: concurrency, duration: duration, messages: messages,
                    warmup: warmup, payloadBytes: payloadBytes, progress: progress)
                results[target] = try await load.run()
            } catch {
                await server.stop()
                if let dataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
                throw error
            }
            await server.stop()
            if let dataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
        }
        report(results, reporter)
    }

    private func report(_ results: [Target: RelayLoadResult], _ reporter: BenchReporter) {
        for (target, result) in results.sorted(by: { $0.key.rawValue > $1.key.rawValue }) where !result.problems.isEmpty {
            reporter.note("warning (\(target.rawValue)): " + result.problems.joined(separator: "; "))
            FileHandle.standardError.write(Data("warning (\(target.rawValue)): \(result.problems.joined(separator: "; "))\n".utf8))
        }
        let shape = "\(devices) devices, \(concurrency) in flight, \(payloadBytes) B"
        let metrics: [(name: String, unit: String, value: (RelayLoadResult) -> Double?)] = [
            ("delivered messages/s (\(shape))", "msg/s", { $0.throughput }),
            ("p50 end-to-end latency (send start to push received)", "ms", { $0.p50 * 1e3 }),
            ("p99 end-to-end latency (send start to push received)", "ms", { $0.p99 * 1e3 }),
            ("resident memory per idle authenticated WebSocket", "KiB", { $0.bytesPerConnection.map { $0 / 1024 } }),
            ("server CPU time per delivered message", "µs", { $0.cpuPerMessage.map { $0 * 1e6 } }),
        ]
        for metric in metrics {
            let relay = results[.relay].flatMap(metric.value)
            let echo = results[.echo].flatMap(metric.value)
            if let relay {
                let reference = echo.map { "echo ceiling on the same stack, same run (\(BenchReporter.format($0)) \(metric.unit))" }
                reporter.report(
                    BenchFigure(
                        bench: "relay", metric: metric.name, value: relay, unit: metric.unit, reference: reference,
                        ratio: echo.flatMap { $0 == 0 ? nil : relay / $0 }))
            }
            if let echo {
                reporter.report(BenchFigure(bench: "relay", metric: "echo ceiling: " + metric.name, value: echo, unit: metric.unit))
            }
        }
    }

    /// Progress for long runs, on stderr (also with `--json`, whose figures go to stdout).
    private func progress(_ text: String) {
        FileHandle.standardError.write(Data(("relay bench: " + text + "\n").utf8))
    }
}

/// The 1-minute load average, to judge how noisy a run was on a shared machine.
func loadAverageText() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { String($0.split(separator: " ").prefix(3).joined(separator: " ")) }
        ?? "unknown"
}
