import Foundation
import Hummingbird
import LetterlockKit
import Logging
import Relay
import RelayStorage
import NIOCore
import ServiceLifecycle

/// A real relay (SQLite in a temporary directory, HTTP and WebSocket on a free loopback port)
/// running in this process for the length of `body`.
enum LiveRelay {
    /// - Parameters:
    ///   - data: a data directory to reuse (kept afterwards); a fresh one (removed) by default.
    ///   - port: 0 for a free port.
    ///   - logger: the relay's logger; by default one that logs only critical events.
    static func run(
        data given: URL? = nil, port: Int = 0, recorder: RelayRecorder? = nil, logger givenLogger: Logger? = nil,
        configure: (inout Relay.Configuration) -> Void = { _ in },
        _ body: @Sendable (_ url: String, _ data: URL) async throws -> Void
    ) async throws {
        let data = given ?? temporaryDirectory("relay")
        defer { if given == nil { try? FileManager.default.removeItem(at: data) } }
        let store = try SQLiteRelayStore(path: data.appendingPathComponent("relay.sqlite").path)
        var configuration = Relay.Configuration()
        configuration.registrationLimits = [.perHour(1_000)]
        configure(&configuration)
        let logger =
            givenLogger
            ?? {
                var logger = Logger(label: "test.relay")
                logger.logLevel = .critical
                return logger
            }()
        let relay = Relay(store: store, blobContent: try FileBlobContentStore(directory: data), configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let onRunning: @Sendable (any Channel) async -> Void = { channel in continuation.yield(channel.localAddress?.port ?? 0) }
        let app: any Service
        if let recorder {
            // Plain HTTP (no WebSocket upgrade) with every request recorded as the relay saw it.
            app = Application(
                responder: RecordingResponder(inner: relay.makeRouter().buildResponder(), recorder: recorder), configuration: .init(address: .hostname("127.0.0.1", port: port)), onServerRunning: onRunning, logger: logger)
        } else {
            app = relay.makeApplication(configuration: .init(address: .hostname("127.0.0.1", port: port)), onServerRunning: onRunning)
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            do {
                try await body("http://127.0.0.1:\(port)", data)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-\(name)-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A person with one device: a home directory and a client.
struct Person {
    let home: URL
    let client: LetterlockClient

    static func register(_ username: String?, relay: String, passphrase: String? = nil) async throws -> Person {
        let home = LiveRelay.temporaryDirectory("home").appendingPathComponent("state", isDirectory: true)
        let client = try await LetterlockClient.register(
            home: home, relayURL: relay, username: username, passphrase: passphrase, keyProtection: passphrase == nil ? nil : .fresh(logN: 10))
        return Person(home: home, client: client)
    }
}
