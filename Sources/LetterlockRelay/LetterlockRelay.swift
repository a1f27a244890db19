import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import Relay
import RelayStorage
import ServiceLifecycle
import UnixSignals

/// `letterlock-relay`: the composition root. It picks the SQLite driver and the configuration,
/// and runs the relay, its admin (metrics) server and the expiry sweeper in one ServiceGroup that
/// shuts down gracefully on SIGINT or SIGTERM. No logic lives here.
@main
struct LetterlockRelay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterlock-relay",
        abstract: "The Letterlock relay: delivery service and key directory holding only ciphertext."
    )

    @Option(name: .customLong("data-dir"), help: "Data directory (env LETTERLOCK_DATA_DIR, default ./letterlock-data).")
    var dataDirectory: String?

    @Option(help: "Address to listen on (env LETTERLOCK_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "HTTP/WebSocket port; 0 picks a free port and prints it (env LETTERLOCK_PORT, default 8080).")
    var port: Int?

    @Option(name: .customLong("admin-port"), help: "Admin port serving /metrics; 0 picks a free port (env LETTERLOCK_ADMIN_PORT, default 9090).")
    var adminPort: Int?

    @Option(name: .customLong("retention-days"), help: "Days an unfetched message is kept (env LETTERLOCK_RETENTION_DAYS, default 30).")
    var retentionDays: Double?

    @Option(name: .customLong("device-limit"), help: "Devices per account (env LETTERLOCK_DEVICE_LIMIT, default 6).")
    var deviceLimit: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let dataDirectory = self.dataDirectory ?? environment["LETTERLOCK_DATA_DIR"] ?? "./letterlock-data"
        let host = self.host ?? environment["LETTERLOCK_HOST"] ?? "127.0.0.1"
        let port = try self.port ?? Self.integer(environment, "LETTERLOCK_PORT") ?? 8080
        let adminPort = try adminPort ?? Self.integer(environment, "LETTERLOCK_ADMIN_PORT") ?? 9090
        guard (0...65535).contains(port), (0...65535).contains(adminPort) else { throw ValidationError("ports are 0 to 65535") }
        var relayConfiguration = Relay.Configuration()
        if let days = try retentionDays ?? environment["LETTERLOCK_RETENTION_DAYS"].map(Self.positive) {
            relayConfiguration.messageRetention = days * 86_400
        }
        if let limit = try deviceLimit ?? Self.integer(environment, "LETTERLOCK_DEVICE_LIMIT") {
            guard limit > 0 else { throw ValidationError("the device limit must be positive") }
            relayConfiguration.deviceLimit = limit
        }

        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "letterlock.relay")
        logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let store = try SQLiteRelayStore(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("relay.sqlite").path)
        let blobs = try FileBlobContentStore(directory: URL(fileURLWithPath: dataDirectory))
        let relay = Relay(store: store, blobContent: blobs, configuration: relayConfiguration, logger: logger)

        let app = relay.makeApplication(configuration: .init(address: .hostname(host, port: port))) { channel in
            Self.announce("letterlock-relay listening on http://\(host):\(channel.localAddress?.port ?? port)")
        }
        let admin = Application(
            router: Self.adminRouter(registry: registry),
            configuration: .init(address: .hostname(host, port: adminPort)),
            onServerRunning: { channel in
                Self.announce("letterlock-relay metrics on http://\(host):\(channel.localAddress?.port ?? adminPort)/metrics")
            },
            logger: logger
        )
        let expiry = relay.makeExpiryService(afterSweep: { try await store.checkpoint() })
        let group = ServiceGroup(
            configuration: .init(services: [app, admin, expiry], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        try await store.checkpoint()
        logger.info("letterlock-relay stopped")
    }

    static func adminRouter(registry: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/healthz") { _, _ in HTTPResponse.Status.ok }
        return router
    }

    static func announce(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func integer(_ environment: [String: String], _ name: String) throws -> Int? {
        guard let text = environment[name] else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be an integer") }
        return value
    }

    static func positive(_ text: String) throws -> Double {
        guard let value = Double(text), value > 0 else { throw ValidationError("LETTERLOCK_RETENTION_DAYS must be a positive number") }
        return value
    }
}
