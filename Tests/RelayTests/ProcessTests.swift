import Crypto
import Foundation
import RelayAPI
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real `letterlock-relay` process: refused settings, and a graceful shutdown while sends
/// are in flight.
@Suite(.serialized) struct ProcessTests {
    /// Runs the binary to completion with `arguments` and `environment`; returns its status and
    /// standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try #require(CrashRelay.binary)
        process.arguments = arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    @Test(.enabled(if: CrashRelay.binary != nil)) func badSettingsExitWithUsageStatus() throws {
        let cases: [([String], [String: String], String)] = [
            (["--port", "http"], [:], "--port"),
            ([], ["LETTERLOCK_RETENTION_DAYS": "-1"], "LETTERLOCK_RETENTION_DAYS"),
            (["--mailbox-bytes-per-account", "lots"], [:], "--mailbox-bytes-per-account"),
            (["--frobnicate"], [:], "--frobnicate"),
        ]
        for (arguments, environment, named) in cases {
            let (status, message) = try Self.run(arguments, environment: environment)
            #expect(status == 64, "EX_USAGE for \(arguments) \(environment)")
            #expect(message.hasPrefix("letterlock-relay: ") && message.contains(named), "\(message)")
            #expect(message.split(separator: "\n").count == 1, "one line, no backtrace")
        }
    }

    /// Bound beyond loopback without `--public-authority`, the relay starts and says on standard
    /// error what to set; with it, or on loopback, it says nothing.
    @Test(.enabled(if: CrashRelay.binary != nil)) func aPublicBindWithoutAPublicAuthorityStartsWithAWarning() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-bind-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (extra, warned) in [([] as [String], true), (["--public-authority", "relay.example"], false)] {
            let process = Process()
            process.executableURL = try #require(CrashRelay.binary)
            process.arguments = ["--host", "0.0.0.0", "--port", "0", "--admin-port", "0", "--data-dir", directory.path] + extra
            process.environment = [:]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            var text = ""
            let deadline = ContinuousClock.now + .seconds(30)
            while !text.contains("listening on"), process.isRunning, ContinuousClock.now < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                text += String(decoding: chunk, as: UTF8.self)
            }
            #expect(text.contains("listening on http://0.0.0.0:"), "it starts all the same")
            process.terminate()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let warning = stderr.split(separator: "\n").first { $0.hasPrefix("letterlock-relay: warning: ") }
            if warned {
                let line = try #require(warning, "\(stderr)")
                #expect(line.contains("--public-authority") && line.contains("LETTERLOCK_PUBLIC_AUTHORITY") && line.contains("0.0.0.0"))
            } else {
                #expect(warning == nil, "\(stderr)")
            }
        }
    }

    /// Item 8, "graceful shutdown that loses nothing acknowledged", with sends in flight when
    /// SIGTERM arrives: every send answered 201 is there after a restart, exactly once; the
    /// process exits 0 and leaves no WAL content behind (checkpointed).
    @Test(.enabled(if: CrashRelay.binary != nil)) func sigtermWithSendsInFlightLosesNothingAcknowledged() async throws {
        let directory = try CrashRelay.dataDirectory("relay-drain")
        defer { try? FileManager.default.removeItem(at: directory) }

        let relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        let (bob, token) = try await CrashRelay.recipient(at: relay.url)

        let acknowledged = AcknowledgedSet()
        let bobDevice = bob.device
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    let client = CrashRelay.Client(base: relay.url)
                    for n in 0..<10_000 {
                        let sequence = sender * 100_000 + n
                        let send = SealedSendRequest(
                            recipients: [.init(deviceID: bobDevice, token: token)], payload: Data([0, 1, 0, 3] + Array("drain-\(sequence)".utf8)))
                        guard let (status, _) = try? await client.send("POST", "/v1/messages/sealed", body: try JSONEncoder().encode(send), signed: false)
                        else { return }  // the relay has closed its listener
                        if status == 201 { acknowledged.insert(sequence) } else if status == 0 || status >= 500 { return }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(400))
                kill(relay.process.processIdentifier, SIGTERM)
            }
            try await group.waitForAll()
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while relay.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!relay.process.isRunning, "SIGTERM ends the process")
        relay.process.waitUntilExit()
        #expect(relay.process.terminationStatus == 0)
        #expect(acknowledged.count > 0, "sends were acknowledged before the signal")
        let wal = directory.appendingPathComponent("relay.sqlite-wal").path
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0, "the WAL was checkpointed on the way out")

        let restarted = try await CrashRelay.RelayProcess(dataDirectory: directory)
        defer { restarted.kill() }
        let reader = CrashRelay.Client(base: restarted.url, key: bob.key, device: bob.device)
        var received: [Int] = []
        var after: Int64 = 0
        while true {
            let (status, page) = try await reader.send("GET", "/v1/mailbox?limit=100&after=\(after)")
            #expect(status == 200)
            let entries = try JSONDecoder().decode(MailboxPageResponse.self, from: page).entries
            guard let last = entries.last else { break }
            after = last.id
            received += entries.compactMap { Int(String(decoding: $0.payload.dropFirst(4 + "drain-".count), as: UTF8.self)) }
        }
        #expect(Set(received).count == received.count, "each stored once")
        let lost = acknowledged.all.subtracting(received)
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.sorted().prefix(10))")
    }
}
