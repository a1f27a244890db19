import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RelayAPI
import Synchronization

/// What one server did under ``RelayLoad``.
struct RelayLoadResult: Sendable {
    var throughput: Double
    var p50: Double
    var p99: Double
    var delivered: Int
    var bytesPerConnection: Double?
    /// The server process over the measurement window.
    var server: ProcessWindow
    /// The bench process itself (the simulated devices) over the same window.
    var client: ProcessWindow
    /// Anything that makes the figures suspect: refused sends, lost or duplicated pushes.
    var problems: [String]
    /// The whole machine's busy CPU seconds over the window (`/proc/stat`), all processes.
    var machineCPUSeconds: Double?
    /// Wall-clock seconds of the window.
    var windowSeconds: Double = 0
    /// The share of delivered messages (whole run) whose push reached the recipient before the
    /// sender started waiting for it (see ``DeliveryTracker/arrivedBeforeWait``).
    var pushBeforeWaitShare: Double = 0

    /// Server plus bench-client CPU seconds per delivered message: what one message costs the
    /// machine when nothing else runs.
    var cpuPerMessageWithClients: Double? {
        guard let server = server.cpuSeconds, let client = client.cpuSeconds else { return nil }
        return (server + client) / Double(max(1, delivered))
    }

    /// Cores the server and the bench's clients used together on average during the window (2.0
    /// on this machine means the load was CPU-bound).
    var benchCores: Double? {
        guard let server = server.cpuSeconds, let client = client.cpuSeconds, windowSeconds > 0 else { return nil }
        return (server + client) / windowSeconds
    }

    /// Cores used on average during the window by everything but the server and the bench: other
    /// sessions' compilers, the kernel's own threads. Near zero on an idle machine; a round where
    /// it is not was disturbed.
    var otherCores: Double? {
        guard let machine = machineCPUSeconds, let server = server.cpuSeconds, let client = client.cpuSeconds, windowSeconds > 0 else {
            return nil
        }
        return max(0, machine - server - client) / windowSeconds
    }

    /// Server CPU seconds (user + system, all threads) per delivered message.
    var cpuPerMessage: Double? { server.cpuSeconds.map { $0 / Double(max(1, delivered)) } }
    /// Server context switches (voluntary + involuntary, all threads) per delivered message.
    var contextSwitchesPerMessage: Double { Double(server.contextSwitches) / Double(max(1, delivered)) }
    /// The bench process's own CPU seconds per delivered message: the clients share the cores.
    var clientCPUPerMessage: Double? { client.cpuSeconds.map { $0 / Double(max(1, delivered)) } }
}

/// One run of the `letterlock-bench relay` load against one server process (see ``RelayBench``).
struct RelayLoad: Sendable {
    let server: BenchServerProcess
    let target: RelayBench.Target
    let devices: Int
    let concurrency: Int
    let duration: Double
    let messages: Int?
    let warmup: Double
    let payloadBytes: Int
    let progress: @Sendable (String) -> Void

    func run() async throws -> RelayLoadResult {
        let logger = {
            var logger = Logger(label: "letterlock.bench.relay")
            logger.logLevel = .error
            return logger
        }()
        var simulated = (0..<devices).map(SimulatedDevice.init(index:))
        if target == .relay {
            let started = ContinuousClock.now
            simulated = try await register(simulated)
            progress("\(target.rawValue): registered \(devices) devices with delivery tokens in \(ContinuousClock.now - started)")
        }
        let devicesByIndex = simulated
        try await Task.sleep(for: .seconds(1))
        let before = server.residentBytes()

        let tracker = DeliveryTracker()
        let pushes = PushConnections(tracker: tracker)
        let url = "ws://\(server.host):\(server.port)/v1/websocket"
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // Connect in batches so the server's accept backlog is never the bottleneck.
            let connecting = ContinuousClock.now
            for batch in stride(from: 0, to: devices, by: 50) {
                for device in devicesByIndex[batch..<min(devices, batch + 50)] {
                    group.addTask { await pushes.run(device, url: url, logger: logger) }
                }
                try await waitUntil(timeout: .seconds(60)) { pushes.ready + pushes.failures.count >= min(devices, batch + 50) }
            }
            guard pushes.failures.isEmpty else {
                throw BenchError("\(pushes.failures.count) WebSocket connections failed, first: \(pushes.failures[0])")
            }
            progress("\(target.rawValue): \(devices) WebSockets authenticated in \(ContinuousClock.now - connecting)")
            try await Task.sleep(for: .seconds(2))
            let after = server.residentBytes()
            let bytesPerConnection = before.flatMap { before in after.map { Double($0 - before) / Double(devices) } }

            let connections = try await openHTTPConnections(devicesByIndex)
            defer { connections.forEach { $0.close() } }
            var result = try await load(devicesByIndex, connections: connections, tracker: tracker)
            result.bytesPerConnection = bytesPerConnection

            await pushes.closeAll()
            // Wait (bounded) for the sessions to end, so the next server starts on a quiet machine.
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline, pushes.finished < devices { try await Task.sleep(for: .milliseconds(100)) }
            group.cancelAll()
            return result
        }
    }

    /// Registers every device (`POST /v1/accounts`) and rotates its delivery token, each from its
    /// own address, 8 at a time.
    private func register(_ devices: [SimulatedDevice]) async throws -> [SimulatedDevice] {
        try await withThrowingTaskGroup(of: SimulatedDevice.self) { group in
            var registered: [SimulatedDevice] = []
            var next = 0
            func start() {
                guard next < devices.count else { return }
                var device = devices[next]
                next += 1
                group.addTask {
                    let connection = try await BenchHTTPConnection.open(host: server.host, port: server.port, localAddress: device.localAddress)
                    defer { connection.close() }
                    let registration = try JSONEncoder().encode(RegisterRequest(publicKey: device.key.publicKey.rawRepresentation))
                    let account = try await signed(connection, "/v1/accounts", body: registration, device: RequestSigning.registeringDevice, key: device)
                    device.deviceID = try JSONDecoder().decode(RegisterResponse.self, from: account).deviceID
                    let token = try await signed(connection, "/v1/delivery-token", body: Data(), device: device.deviceID, key: device)
                    device.token = try JSONDecoder().decode(DeliveryTokenResponse.self, from: token).token
                    return device
                }
            }
            for _ in 0..<8 { start() }
            while let device = try await group.next() {
                registered.append(device)
                start()
            }
            return registered.sorted { $0.index < $1.index }
        }
    }

    private func signed(_ connection: BenchHTTPConnection, _ path: String, body: Data, device: String, key: SimulatedDevice) async throws -> Data {
        // BenchHTTPConnection's Host header is the bare host: the authority a loopback relay checks.
        let headers = try RequestSigning.headers(
            authority: server.host, method: "POST", path: path, body: body, device: device, key: key.key,
            timestamp: Int64(Date().timeIntervalSince1970))
        let response = try await connection.request(
            .POST, path, headers: headers.map { ($0.name, $0.value) } + [("Content-Type", "application/json")], body: ByteBuffer(bytes: body))
        guard (200..<300).contains(response.status) else {
            throw BenchError("\(path) answered \(response.status): \(String(buffer: response.body).prefix(200))")
        }
        return Data(response.body.readableBytesView)
    }

    private func openHTTPConnections(_ devices: [SimulatedDevice]) async throws -> [BenchHTTPConnection] {
        var connections: [BenchHTTPConnection] = []
        for batch in stride(from: 0, to: devices.count, by: 50) {
            try await withThrowingTaskGroup(of: (Int, BenchHTTPConnection).self) { group in
                for device in devices[batch..<min(devices.count, batch + 50)] {
                    group.addTask {
                        (device.index, try await BenchHTTPConnection.open(host: server.host, port: server.port, localAddress: device.localAddress))
                    }
                }
                var opened: [(Int, BenchHTTPConnection)] = []
                while let connection = try await group.next() { opened.append(connection) }
                connections += opened.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
        return connections
    }

    /// The measured load: `concurrency` senders, each looping send → push received.
    private func load(_ devices: [SimulatedDevice], connections: [BenchHTTPConnection], tracker: DeliveryTracker) async throws
        -> RelayLoadResult
    {
        let state = LoadState()
        let payloadBytes = self.payloadBytes
        var window: (seconds: Double, latencies: [UInt64]) = (0, [])
        var counters: (server: ProcessCounters, client: ProcessCounters)?
        var windows: (server: ProcessWindow, client: ProcessWindow)?
        var machine: (start: UInt64?, end: UInt64?) = (nil, nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for slot in 0..<concurrency {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(slot) &* 0x9E37_79B9 &+ monotonicNanoseconds())
                    let encoder = JSONEncoder()
                    while !state.stop.load(ordering: .relaxed) {
                        let senderIndex = Int(random.next() % UInt64(devices.count))
                        var recipientIndex = Int(random.next() % UInt64(devices.count - 1))
                        if recipientIndex >= senderIndex { recipientIndex += 1 }
                        let recipient = devices[recipientIndex]
                        let number = state.sequence.add(1, ordering: .relaxed).newValue
                        let sentAt = monotonicNanoseconds()
                        let send = SealedSendRequest(
                            recipients: [.init(deviceID: recipient.deviceID, token: recipient.token)],
                            payload: BenchMessage.make(sequence: number, sentAt: sentAt, size: payloadBytes))
                        let body = try encoder.encode(send)
                        let response: BenchHTTPConnection.Response
                        do {
                            response = try await connections[senderIndex].request(
                                .POST, "/v1/messages/sealed",
                                headers: [("Content-Type", "application/json"), (RelayEchoServer.recipientHeader, recipient.deviceID)],
                                body: ByteBuffer(bytes: body))
                        } catch {
                            state.failed.add(1, ordering: .relaxed)
                            try await Task.sleep(for: .milliseconds(100))
                            continue
                        }
                        guard response.status == 201 else {
                            state.refused.withLock { $0[response.status, default: 0] += 1 }
                            try await Task.sleep(for: .milliseconds(50))
                            continue
                        }
                        _ = await tracker.waitForDelivery(of: number)
                    }
                }
            }
            // A message not pushed within 10 s is counted lost and its sender moves on.
            group.addTask {
                while !state.stop.load(ordering: .relaxed) {
                    try await Task.sleep(for: .seconds(1))
                    tracker.giveUp(olderThan: 10_000_000_000)
                }
                try await Task.sleep(for: .seconds(1))
                tracker.giveUp(olderThan: 0)
            }

            try await Task.sleep(for: .seconds(warmup))
            machine.start = ProcessCounters.machineBusyTicks()
            counters = (server.counters(), ProcessCounters.read(pid: "self"))
            tracker.startWindow()
            let started = ContinuousClock.now
            var lastProgress = started
            let limit: Duration = messages == nil ? .seconds(duration) : .seconds(600)
            while ContinuousClock.now - started < limit {
                if let messages, tracker.deliveredInWindow >= messages { break }
                try await Task.sleep(for: .milliseconds(50))
                if ContinuousClock.now - lastProgress >= .seconds(5) {
                    lastProgress = ContinuousClock.now
                    let seconds = Self.seconds(ContinuousClock.now - started)
                    let count = tracker.deliveredInWindow
                    progress(
                        "\(target.rawValue): \(Int(seconds)) s, \(count) delivered (\(Int(Double(count) / seconds))/s), load average \(loadAverageText())"
                    )
                }
            }
            window = tracker.endWindow()
            if let counters {
                windows = (ProcessWindow(from: counters.server, to: server.counters()), ProcessWindow(from: counters.client, to: .read(pid: "self")))
            }
            machine.end = ProcessCounters.machineBusyTicks()
            state.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }

        var problems: [String] = []
        let refusedCounts = state.refused.withLock { $0 }
        if !refusedCounts.isEmpty {
            problems.append("sends refused: " + refusedCounts.sorted { $0.key < $1.key }.map { "HTTP \($0.key) x\($0.value)" }.joined(separator: ", "))
        }
        if state.failed.load(ordering: .relaxed) > 0 { problems.append("\(state.failed.load(ordering: .relaxed)) sends failed (connection errors)") }
        if tracker.lost > 0 { problems.append("\(tracker.lost) accepted messages not pushed within 10 s") }
        if tracker.duplicates > 0 { problems.append("\(tracker.duplicates) duplicate pushes (at-least-once redelivery)") }

        let sorted = window.latencies.sorted()
        func percentile(_ fraction: Double) -> Double {
            sorted.isEmpty ? 0 : Double(sorted[Int((Double(sorted.count - 1) * fraction).rounded())]) / 1e9
        }
        let delivered = sorted.count
        progress(
            "\(target.rawValue): \(delivered) delivered in \(String(format: "%.1f", window.seconds)) s; p50 \(String(format: "%.2f", percentile(0.5) * 1e3)) ms, p99 \(String(format: "%.2f", percentile(0.99) * 1e3)) ms"
        )
        guard let windows else { throw BenchError("the measurement window did not run") }
        var result = RelayLoadResult(
            throughput: Double(delivered) / window.seconds, p50: percentile(0.5), p99: percentile(0.99), delivered: delivered,
            bytesPerConnection: nil, server: windows.server, client: windows.client, problems: problems)
        result.windowSeconds = window.seconds
        result.pushBeforeWaitShare = Double(tracker.arrivedBeforeWait) / Double(max(1, tracker.totalDelivered))
        if let start = machine.start, let end = machine.end, end >= start {
            result.machineCPUSeconds = Double(end - start) / ProcessCounters.ticksPerSecond
        }
        return result
    }

    private func waitUntil(timeout: Duration, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw BenchError("timed out connecting WebSockets") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// What the senders of one load share.
private final class LoadState: Sendable {
    let stop = Atomic<Bool>(false)
    let sequence = Atomic<UInt64>(0)
    /// Sends answered with another status than 201, by status.
    let refused = Mutex<[Int: Int]>([:])
    /// Sends that got no answer (connection errors).
    let failed = Atomic<Int>(0)
}

/// A small, fast generator for picking senders and recipients (not for anything secret).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
