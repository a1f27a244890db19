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

/// `letterlock-relay`: the composition root. It reads the settings (``RelayOptions``: flags over
/// environment over defaults), picks the SQLite driver, and runs the relay, its admin (metrics)
/// server and the expiry sweeper in one ServiceGroup that shuts down gracefully on SIGINT or
/// SIGTERM. No logic lives here. A refused setting exits with status 64 (EX_USAGE) and one
/// line on standard error naming the flag or variable; ``RelayOptions/warnings`` are printed
/// there too, and the relay starts.
@main
struct LetterlockRelay {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            announce(RelayOptions.usage)
            return
        }
        let options: RelayOptions
        do {
            options = try RelayOptions.parse(arguments: arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("letterlock-relay: \(error.message)\n".utf8))
            exit(64)
        }
        for warning in options.warnings { FileHandle.standardError.write(Data("letterlock-relay: \(warning)\n".utf8)) }
        do {
            try await run(options)
        } catch {
            // Only the type: descriptions of system and storage errors can hold paths or SQL.
            FileHandle.standardError.write(Data("letterlock-relay: stopped after an error (\(type(of: error)))\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: RelayOptions) async throws {
        LoggingSystem.bootstrap { DeferredMetadataLogHandler(StreamLogHandler.standardError(label: $0)) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "letterlock.relay")
        logger.logLevel = options.logLevel
        let host = options.host

        try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
        let dataDirectory = URL(fileURLWithPath: options.dataDirectory)
        let store = try SQLiteRelayStore(path: dataDirectory.appendingPathComponent("relay.sqlite").path)
        let blobs = try FileBlobContentStore(directory: dataDirectory)
        let relay = Relay(
            store: store, blobContent: blobs, configuration: options.relay, logger: logger,
            freeDiskBytes: Relay.freeDiskBytes(of: dataDirectory.path))

        let app = relay.makeApplication(configuration: .init(address: .hostname(host, port: options.port))) { channel in
            Self.announce("letterlock-relay listening on http://\(host):\(channel.localAddress?.port ?? options.port)")
        }
        let admin = Application(
            router: Self.adminRouter(registry: registry),
            configuration: .init(address: .hostname(host, port: options.adminPort)),
            onServerRunning: { channel in
                Self.announce("letterlock-relay metrics on http://\(host):\(channel.localAddress?.port ?? options.adminPort)/metrics")
            },
            logger: logger
        )
        let expiry = relay.makeExpiryService(interval: options.sweepInterval, afterSweep: { try await store.checkpoint() })
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
}
