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
///
/// `--rounds N` runs N rounds, each measuring both servers back to back, alternating which goes
/// first (see ``RelayRound``); every server process, data directory and device registration is
/// fresh in every round, so no round inherits another's state. Each round's delivered messages/s
/// and CPU per message are printed; the headline figures are all those of the median round by
/// relay / echo delivered messages/s. Over each window the bench also reads, from /proc, each
/// server's context switches and per-thread CPU (``ProcessCounters``) and its own CPU, printed
/// as notes on stderr (the thread split with `--threads`).
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

    @Option(help: "Rounds: each runs both servers back to back, alternating which goes first; the headline is the median round.")
    var rounds = 3

    @Flag(name: .customLong("threads"), help: "Print each server's CPU per message by kind of thread (NIO, Concurrency pool, dispatch queues).")
    var showThreads = false

    func validate() throws {
        guard (2...SimulatedDevice.maximumDevices).contains(devices) else {
            throw ValidationError("--devices must be in 2...\(SimulatedDevice.maximumDevices)")
        }
        guard (1...99).contains(rounds) else { throw ValidationError("--rounds must be in 1...99") }
        guard concurrency > 0, duration > 0, warmup >= 0, messages.map({ $0 > 0 }) ?? true else {
            throw ValidationError("--concurrency, --duration and --messages must be positive")
        }
        guard (BenchMessage.minimumSize...(1 << 20)).contains(payloadBytes) else {
            throw ValidationError("--payload-bytes must be in \(BenchMessage.minimumSize)...\(1 << 20)")
        }
    }

    func run() async throws {
        let reporter = options.reporter
        let targets = only.map { [$0] } ?? Target.allCases
        var completed: [RelayRound] = []
        for index in 0..<rounds {
            var round = RelayRound(number: index + 1, order: RelayRound.order(ofRound: index, targets: targets))
            for target in round.order {
                round.results[target] = try await measure(target, in: round)
            }
            for figure in Self.roundFigures(round, of: rounds, shape: shape) { reporter.report(figure) }
            note(Self.roundSummary(round, of: rounds))
            completed.append(round)
        }
        report(completed, reporter)
    }

    /// One server under load in one round: a fresh process (the relay on a fresh data directory,
    /// with freshly registered devices), stopped and cleaned up afterwards.
    private func measure(_ target: Target, in round: RelayRound) async throws -> RelayLoadResult {
        let label = "\(round.label(of: rounds)), \(target.rawValue)"
        progress("\(label): \(devices) devices, \(concurrency) in flight, \(payloadBytes)-byte messages; load average \(loadAverageText())")
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
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
        defer { if let dataDirectory { try? FileManager.default.removeItem(at: dataDirectory) } }
        do {
            let load = RelayLoad(
                server: server, target: target, devices: devices, concurrency: concurrency, duration: duration, messages: messages,
                warmup: warmup, payloadBytes: payloadBytes, progress: { progress("\(round.label(of: rounds)), \($0)") })
            let result = try await load.run()
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Cores other processes may use during a window before the round counts as disturbed (an
    /// idle machine's background stays well under this).
    static let quietMachineCores = 0.2

    private var shape: String { "\(devices) devices, \(concurrency) in flight, \(payloadBytes) B" }

    /// The figures every round prints, and (with the echo's as reference) the headline ones.
    static func metrics(shape: String) -> [(name: String, unit: String, value: @Sendable (RelayLoadResult) -> Double?)] {
        [
            ("delivered messages/s (\(shape))", "msg/s", { $0.throughput }),
            ("p50 end-to-end latency (send start to push received)", "ms", { $0.p50 * 1e3 }),
            ("p99 end-to-end latency (send start to push received)", "ms", { $0.p99 * 1e3 }),
            ("resident memory per idle authenticated WebSocket", "KiB", { $0.bytesPerConnection.map { $0 / 1024 } }),
            ("server CPU time per delivered message", "µs", { $0.cpuPerMessage.map { $0 * 1e6 } }),
            ("server context switches per delivered message (voluntary + involuntary, all threads)", "switches", { $0.contextSwitchesPerMessage }),
        ]
    }

    /// Each round's own figures: delivered messages/s and server CPU per message, the relay's with
    /// the echo's of the same round as reference (or one server's alone with `--only`).
    static func roundFigures(_ round: RelayRound, of total: Int, shape: String) -> [BenchFigure] {
        let perRound = metrics(shape: shape).filter { $0.unit == "msg/s" || $0.unit == "µs" }
        return figures(round, metrics: perRound, prefix: round.label(of: total) + ": ", reference: "echo ceiling on the same stack, same round", echoAlso: false)
    }

    /// The headline figures: every metric of the median round (by relay / echo delivered
    /// messages/s, or by delivered messages/s with `--only`), the relay's with the echo's of that
    /// same round as reference, then the echo's own.
    static func headlineFigures(_ rounds: [RelayRound], shape: String) -> [BenchFigure] {
        guard let median = RelayRound.medianIndex(of: rounds.map { $0.rank ?? 0 }) else { return [] }
        let round = rounds[median]
        let first = round.order.count > 1 ? ", \(round.order[0].rawValue) first" : ""
        let reference = "echo ceiling on the same stack, median round by delivered ratio (round \(round.number) of \(rounds.count)\(first))"
        return figures(round, metrics: metrics(shape: shape), prefix: "", reference: reference, echoAlso: true)
    }

    private static func figures(
        _ round: RelayRound, metrics: [(name: String, unit: String, value: @Sendable (RelayLoadResult) -> Double?)], prefix: String,
        reference: String, echoAlso: Bool
    ) -> [BenchFigure] {
        var figures: [BenchFigure] = []
        for metric in metrics {
            let relay = round.results[.relay].flatMap(metric.value)
            let echo = round.results[.echo].flatMap(metric.value)
            if let relay {
                figures.append(
                    BenchFigure(
                        bench: "relay", metric: prefix + metric.name, value: relay, unit: metric.unit,
                        reference: echo.map { "\(reference): \(BenchReporter.format($0)) \(metric.unit)" },
                        ratio: echo.flatMap { $0 == 0 ? nil : relay / $0 }))
            }
            if let echo, echoAlso || relay == nil {
                figures.append(BenchFigure(bench: "relay", metric: "echo ceiling: " + prefix + metric.name, value: echo, unit: metric.unit))
            }
        }
        return figures
    }

    /// One line per round for people (stderr): per server its rate, CPU and context switches per
    /// message, the same for the bench's clients and the share of pushes that arrived before their
    /// sender waited; then the delivered and CPU-cost ratios, the cores the bench and other
    /// processes used in each window, and the load average.
    static func roundSummary(_ round: RelayRound, of total: Int) -> String {
        var parts: [String] = []
        for target in Target.allCases {
            guard let result = round.results[target] else { continue }
            let cpu = result.cpuPerMessage.map { BenchReporter.format($0 * 1e6) } ?? "?"
            let client = result.clientCPUPerMessage.map { BenchReporter.format($0 * 1e6) } ?? "?"
            let switches = BenchReporter.format(result.contextSwitchesPerMessage)
            let clientSwitches = BenchReporter.format(Double(result.client.contextSwitches) / Double(max(1, result.delivered)))
            parts.append(
                "\(target.rawValue) \(BenchReporter.format(result.throughput)) msg/s, CPU \(cpu) µs/msg, \(switches) switches/msg (bench clients \(client) µs, \(clientSwitches) switches; push before the sender waited \(Int((result.pushBeforeWaitShare * 100).rounded())) %)"
            )
        }
        let ratio = round.deliveredRatio.map { "; ratio \(String(format: "%.3f", $0))" } ?? ""
        let cost = round.cpuCostRatio.map { "; CPU-cost ratio \(String(format: "%.3f", $0))" } ?? ""
        func cores(_ value: (RelayLoadResult) -> Double?) -> String {
            round.order.compactMap { round.results[$0].flatMap(value).map { String(format: "%.2f", $0) } }.joined(separator: " then ")
        }
        let used = cores(\.benchCores)
        let others = cores(\.otherCores)
        let machine = (used.isEmpty ? "" : "; server + clients used \(used) cores") + (others.isEmpty ? "" : ", other processes \(others)")
        return "\(round.label(of: total)): " + parts.joined(separator: "; ") + ratio + cost + machine + "; load average \(loadAverageText())"
    }

    private func report(_ rounds: [RelayRound], _ reporter: BenchReporter) {
        for round in rounds {
            for target in round.order {
                guard let problems = round.results[target]?.problems, !problems.isEmpty else { continue }
                note("warning (\(round.label(of: rounds.count)), \(target.rawValue)): " + problems.joined(separator: "; "))
            }
        }
        for figure in Self.headlineFigures(rounds, shape: shape) { reporter.report(figure) }
        for line in Self.headlineNotes(rounds, threads: showThreads) { note(line) }
    }

    /// The notes after the headline figures (stderr): which round is the median and every round's
    /// rank, the CPU-cost ratios, a warning for rounds other processes disturbed, the clients' own
    /// CPU per message and, with `threads`, each server's thread split, both of the median round.
    static func headlineNotes(_ rounds: [RelayRound], threads: Bool) -> [String] {
        guard let median = RelayRound.medianIndex(of: rounds.map { $0.rank ?? 0 }) else { return [] }
        let round = rounds[median]
        var notes: [String] = []
        let ranks = rounds.map { $0.rank.map { BenchReporter.format($0) } ?? "?" }.joined(separator: ", ")
        let by = round.order.count > 1 ? "relay / echo delivered messages/s" : "\(round.order[0].rawValue) delivered messages/s"
        notes.append("headline: the median \(round.label(of: rounds.count)) by \(by); every round: \(ranks)")
        let costs = rounds.compactMap(\.cpuCostRatio)
        if let middle = RelayRound.medianIndex(of: costs) {
            notes.append(
                "CPU-cost ratio (echo / relay server + clients CPU per message; a cross-check, not the goal's figure): median \(String(format: "%.3f", costs[middle])), every round: \(costs.map { String(format: "%.3f", $0) }.joined(separator: ", "))"
            )
        }
        let disturbed = rounds.filter { round in round.results.values.contains { ($0.otherCores ?? 0) > quietMachineCores } }
        if !disturbed.isEmpty {
            notes.append(
                "warning: other processes used more than \(quietMachineCores) cores during rounds \(disturbed.map { String($0.number) }.joined(separator: ", ")) of \(rounds.count): figures from a busy machine"
            )
        }
        for target in Target.allCases {
            guard let result = round.results[target] else { continue }
            if let client = result.clientCPUPerMessage {
                notes.append(
                    "bench clients' own CPU per delivered message against the \(target.rawValue) (same cores): \(BenchReporter.format(client * 1e6)) µs"
                )
            }
            if threads { notes.append(threadSplit(result, target: target)) }
        }
        return notes
    }

    /// The server's CPU per delivered message by kind of thread (see ``ThreadKind``).
    static func threadSplit(_ result: RelayLoadResult, target: Target) -> String {
        let messages = Double(max(1, result.delivered))
        let total = result.server.cpuSeconds ?? result.server.cpuSecondsByKind.values.reduce(0, +)
        var parts: [String] = []
        for kind in ThreadKind.allCases {
            guard let seconds = result.server.cpuSecondsByKind[kind] else { continue }
            let share = total > 0 ? Int((seconds / total * 100).rounded()) : 0
            let threads = result.server.threadCountByKind[kind] ?? 0
            parts.append("\(kind.rawValue) [\(threads)] \(BenchReporter.format(seconds / messages * 1e6)) µs (\(share) %)")
        }
        let unattributed = total - result.server.cpuSecondsByKind.values.reduce(0, +)
        var text = "\(target.rawValue) CPU per delivered message by thread: " + parts.joined(separator: ", ")
        if result.server.exitedThreads > 0 {
            text += "; \(result.server.exitedThreads) thread(s) exited in the window (\(BenchReporter.format(max(0, unattributed) / messages * 1e6)) µs not split)"
        }
        return text
    }

    /// Notes for people, on stderr in both modes (stdout carries only figures with `--json`).
    private func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
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
