import Crypto
import Foundation
import RelayAPI
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Issue 3 item 10, the crash test: messages are sent while the real `letterlock-relay` process is
/// killed with SIGKILL at random moments and restarted on the same data directory; every send the
/// relay acknowledged (HTTP 201) must be in the mailbox afterwards, exactly once.
/// The real relay process for the crash test.
enum CrashRelay {
    /// `letterlock-relay` is built beside the test bundle by `swift build --build-tests`.
    static let binary: URL? = {
        let candidate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("letterlock-relay")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }()

    /// A running relay process and its base URL.
    final class RelayProcess: Sendable {
        let process: Process
        let url: URL

        init(dataDirectory: URL) async throws {
            let process = Process()
            guard let binary = CrashRelay.binary else { throw CocoaError(.fileNoSuchFile) }
            process.executableURL = binary
            process.arguments = ["--data-dir", dataDirectory.path, "--port", "0", "--admin-port", "0"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            self.process = process
            // The relay prints "letterlock-relay listening on http://HOST:PORT" once bound.
            var text = ""
            let deadline = Date().addingTimeInterval(30)
            while !text.contains("listening on"), Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                text += String(decoding: chunk, as: UTF8.self)
            }
            let line = try #require(text.split(separator: "\n").first { $0.contains("listening on") })
            url = try #require(URL(string: String(line.split(separator: " ").last ?? "")))
        }

        /// Sends SIGTERM and waits; returns the exit status.
        func terminate() -> Int32 {
            process.terminate()
            process.waitUntilExit()
            return process.terminationStatus
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A fresh scratch data directory (the caller removes it).
    static func dataDirectory(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A client for the first device of a fresh account at `base`.
    static func registered(at base: URL) async throws -> Client {
        var client = Client(base: base)
        let (status, body) = try await client.send(
            "POST", "/v1/accounts", body: try JSONEncoder().encode(RegisterRequest(publicKey: client.key.publicKey.rawRepresentation)))
        try #require(status == 201)
        client.device = try JSONDecoder().decode(RegisterResponse.self, from: body).deviceID
        return client
    }

    /// A fresh account at `base` with its delivery token: the recipient of the sealed sends these
    /// tests make.
    static func recipient(at base: URL) async throws -> (client: Client, token: Data) {
        let client = try await registered(at: base)
        let (_, tokenBody) = try await client.send("POST", "/v1/delivery-token")
        return (client, try JSONDecoder().decode(DeliveryTokenResponse.self, from: tokenBody).token)
    }

    /// A minimal signing HTTP client over URLSession.
    struct Client {
        let base: URL
        var key = Curve25519.Signing.PrivateKey()
        var device = RequestSigning.registeringDevice

        func send(_ method: String, _ path: String, body: Data = Data(), signed: Bool = true) async throws -> (Int, Data) {
            var request = URLRequest(url: URL(string: path, relativeTo: base)!)
            request.httpMethod = method
            request.httpBody = body
            request.timeoutInterval = 5
            if signed {
                let headers = try RequestSigning.headers(
                    authority: RequestSigning.authority(of: base) ?? "", method: method, path: path, body: body, device: device, key: key,
                    timestamp: Int64(Date().timeIntervalSince1970)
                )
                for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        }
    }

}

final class AcknowledgedSet: Sendable {
    private let values = Mutex<Set<Int>>([])
    func insert(_ value: Int) { _ = values.withLock { $0.insert(value) } }
    var all: Set<Int> { values.withLock { $0 } }
    var count: Int { values.withLock { $0.count } }
}

@Suite(.serialized) struct CrashTests {
    @Test(.enabled(if: CrashRelay.binary != nil)) func acknowledgedSendsSurviveSIGKILL() async throws {
        let directory = try CrashRelay.dataDirectory("relay-crash")
        defer { try? FileManager.default.removeItem(at: directory) }

        var relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        let (bob, token) = try await CrashRelay.recipient(at: relay.url)

        let acknowledged = AcknowledgedSet()
        var next = 0
        for round in 0..<6 {
            let sender = CrashRelay.Client(base: relay.url)
            let start = next
            // Senders run until the kill; each records the sequence numbers the relay acknowledged.
            let sending = Task {
                var sequence = start
                while !Task.isCancelled {
                    let payload = Data([0, 1, 0, 3] + Array("seq-\(sequence)".utf8))  // a Welcome-framed MLSMessage
                    let send = SealedSendRequest(recipients: [.init(deviceID: bob.device, token: token)], payload: payload)
                    guard let body = try? JSONEncoder().encode(send),
                        let result = try? await sender.send("POST", "/v1/messages/sealed", body: body, signed: false)
                    else { break }
                    if result.0 == 201 { acknowledged.insert(sequence) }
                    sequence += 1
                }
                return sequence
            }
            // Kill at a random moment, but only once this round has had a few acknowledgements:
            // a time-only trigger gave too few on a loaded machine to mean anything. Bounded wait.
            let wanted = acknowledged.count + Int.random(in: 4...12)
            let deadline = ContinuousClock.now + .seconds(30)
            while acknowledged.count < wanted, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...50)))
            relay.kill()
            next = await sending.value + 1
            #expect(next > start, "round \(round) sent nothing")
            relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        }

        // Fetch everything after the last restart.
        let reader = CrashRelay.Client(base: relay.url, key: bob.key, device: bob.device)
        var received: [String] = []
        var after: Int64 = 0
        while true {
            let (status, body) = try await reader.send("GET", "/v1/mailbox?after=\(after)&limit=100")
            #expect(status == 200)
            let page = try JSONDecoder().decode(MailboxPageResponse.self, from: body).entries
            if page.isEmpty { break }
            received += page.map { String(decoding: $0.payload.dropFirst(4), as: UTF8.self) }
            after = page.last?.id ?? after
        }
        relay.kill()

        let acked = acknowledged.all
        #expect(acked.count > 20, "too few acknowledged sends to mean anything: \(acked.count)")
        let receivedSequences = received.compactMap { Int($0.dropFirst(4)) }
        #expect(receivedSequences.count == Set(receivedSequences).count, "no message stored twice")
        let lost = acked.subtracting(receivedSequences)
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.sorted().prefix(10))")
    }

    @Test(.enabled(if: CrashRelay.binary != nil)) func gracefulShutdownOnSIGTERMLosesNothingAcknowledged() async throws {
        let directory = try CrashRelay.dataDirectory("relay-sigterm")
        defer { try? FileManager.default.removeItem(at: directory) }

        let relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        let (bob, token) = try await CrashRelay.recipient(at: relay.url)
        let sender = CrashRelay.Client(base: relay.url)
        var acknowledged: [String] = []
        for sequence in 0..<50 {
            let payload = Data([0, 1, 0, 3] + Array("term-\(sequence)".utf8))
            let send = SealedSendRequest(recipients: [.init(deviceID: bob.device, token: token)], payload: payload)
            let (status, _) = try await sender.send("POST", "/v1/messages/sealed", body: try JSONEncoder().encode(send), signed: false)
            if status == 201 { acknowledged.append("term-\(sequence)") }
        }
        let started = ContinuousClock.now
        #expect(relay.terminate() == 0, "SIGTERM ends the ServiceGroup cleanly")
        #expect(ContinuousClock.now - started < .seconds(20))

        let restarted = try await CrashRelay.RelayProcess(dataDirectory: directory)
        defer { restarted.kill() }
        let reader = CrashRelay.Client(base: restarted.url, key: bob.key, device: bob.device)
        let (status, page) = try await reader.send("GET", "/v1/mailbox?limit=100")
        #expect(status == 200)
        let received = try JSONDecoder().decode(MailboxPageResponse.self, from: page).entries.map {
            String(decoding: $0.payload.dropFirst(4), as: UTF8.self)
        }
        #expect(acknowledged.count == 50)
        #expect(received == acknowledged, "everything acknowledged before SIGTERM is there, in order")
    }
}
