public import Foundation
public import Hummingbird
import HummingbirdWebSocket
public import Logging
import Metrics
public import NIOCore
public import RelayStorage

/// The delivery service and key directory (RFC 9750 §5 and §4): authenticates devices, hands out
/// KeyPackages, stores opaque MLS messages in per-device mailboxes and pushes them over
/// WebSockets. It holds no key to any content: payloads are ciphertext it never opens
/// (ARCHITECTURE.md, "The one rule").
///
/// `Relay` is a value holding its collaborators; the executable composes it with a store and
/// runs ``makeApplication(configuration:onServerRunning:)`` and ``makeExpiryService(interval:)``
/// in one ServiceGroup.
public struct Relay: Sendable {
    public let store: any RelayStore
    /// Where blob bytes go; without one, the blob routes are not served.
    public let blobContent: (any BlobContentStore)?
    public let configuration: Configuration
    let now: @Sendable () -> Date
    let logger: Logger
    let notifier: MailboxNotifier
    let addressHasher = AddressHasher()
    let addressLimiter: AddressRateLimiter
    /// Sealed sends per client address (``Configuration/sealedSendLimits``).
    let sealedSendLimiter: AddressRateLimiter
    /// Registrations per client address (``Configuration/registrationLimits``).
    let registrationLimiter: AddressRateLimiter
    /// Orders completing, deleting and erasing one blob (review L5).
    let blobLocks = KeyedMutex()
    /// Upload parts written ahead of their upload's offset (several parts in flight).
    let uploadParts = UploadParts()
    let metrics = RelayMetrics()
    /// The global disk high-water mark.
    let freeSpace: FreeSpaceGuard

    /// - Parameters:
    ///   - now: the wall clock (injected so tests can move time).
    ///   - freeDiskBytes: bytes free for the relay on its data directory's filesystem, nil when
    ///     unknown (``FreeSpaceGuard``; the executable passes `statvfs` of the data directory,
    ///     tests a disk they fill by hand). Without it there is no high-water mark.
    public init(
        store: any RelayStore, blobContent: (any BlobContentStore)? = nil, configuration: Configuration = Configuration(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "letterlock.relay"),
        freeDiskBytes: (@Sendable () -> Int64?)? = nil
    ) {
        self.store = store
        self.blobContent = blobContent
        self.configuration = configuration
        self.now = now
        self.logger = logger
        self.addressLimiter = AddressRateLimiter(window: configuration.addressRequestLimit)
        // A session is handed at most a window of entries, and one payload of the largest size.
        self.notifier = MailboxNotifier(maximumEntries: configuration.webSocketWindow, maximumBytes: configuration.maximumPayloadSize)
        self.sealedSendLimiter = AddressRateLimiter(windows: configuration.sealedSendLimits)
        self.registrationLimiter = AddressRateLimiter(windows: configuration.registrationLimits)
        self.freeSpace = FreeSpaceGuard(
            minimum: configuration.minimumFreeDiskBytes, interval: configuration.freeDiskCheckInterval, probe: freeDiskBytes, logger: logger)
    }

    /// The probe of free space the executable gives ``init(store:blobContent:configuration:now:logger:freeDiskBytes:)``:
    /// `statvfs` of `directory`, blocks available to unprivileged processes.
    public static func freeDiskBytes(of directory: String) -> @Sendable () -> Int64? {
        FreeSpaceGuard.statvfsProbe(path: directory)
    }

    /// Every HTTP route and the WebSocket upgrade.
    public func makeRouter() -> Router<RelayRequestContext> {
        makeRouter(metricsFactory: MetricsSystem.factory)
    }

    /// Every HTTP route and the WebSocket upgrade, with the request metrics made by `metricsFactory`.
    func makeRouter(metricsFactory: any MetricsFactory) -> Router<RelayRequestContext> {
        let router = Router(context: RelayRequestContext.self)
        router.add(
            middleware: RelayMiddleware(relay: self, quietRoutes: ["/v1/messages/sealed"], metrics: HTTPRequestMetrics(factory: metricsFactory)))
        router.get("/healthz") { _, _ in HTTPResponse.Status.ok }
        router.get("/readyz") { _, _ in try await self.readiness() }
        let openAPI = Self.openAPIDocument()
        router.get("/openapi.json") { _, _ in
            guard let openAPI else { throw RelayError.internalError }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
        addAccountRoutes(to: router)
        addKeyPackageRoutes(to: router)
        addMessageRoutes(to: router)
        if let blobContent { addBlobRoutes(to: router, content: blobContent) }
        addWebSocketRoute(to: router)
        return router
    }

    /// The relay as a Hummingbird application (HTTP/1.1 with WebSocket upgrade).
    public func makeApplication(
        configuration: ApplicationConfiguration, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = makeRouter()
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: 1 << 21))),
            configuration: configuration,
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// The service that deletes expired entries and stale counters every `interval`.
    public func makeExpiryService(interval: Duration = .seconds(60), afterSweep: (@Sendable () async throws -> Void)? = nil)
        -> MailboxExpiryService
    {
        var service = MailboxExpiryService(
            store: store, blobContent: blobContent, interval: interval, now: now, logger: logger, afterSweep: afterSweep
        )
        service.blobLocks = blobLocks
        return service
    }

    /// An id no account has (ids are random; this one is all zeros), read to probe the store.
    private static let probeAccount = AccountID(rawValue: String(repeating: "0", count: 32))

    /// The OpenAPI 3.1 description of every route, kept in `Sources/Relay/Resources/openapi.json`.
    static func openAPIDocument() -> Data? {
        Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }

    /// Ready when the store answers.
    private func readiness() async throws -> HTTPResponse.Status {
        do {
            if let probe = Self.probeAccount { _ = try await store.account(probe) }
            return .ok
        } catch {
            logger.error("readiness check failed: store unavailable")
            return .serviceUnavailable
        }
    }
}
