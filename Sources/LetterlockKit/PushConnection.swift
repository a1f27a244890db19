import Crypto
import Foundation
import HummingbirdWSClient
import Logging
public import RelayAPI
import Synchronization

/// The relay's push delivery (`GET /v1/websocket`) as a long-running client connection.
///
/// - Answers the relay's challenge with this device's signature
///   (``RequestSigning/webSocketChallenge(authority:nonce:device:)``), then receives entries.
/// - Hands each entry to the handler one at a time, in the order the relay sends them, and
///   acknowledges it when the handler says so: at-least-once delivery, so the handler must be
///   idempotent; entries already handled on this connection or an earlier one are recognised by
///   id and only acknowledged again (client-side deduplication).
/// - Reconnects after any failure with exponential backoff (with jitter), reset once a
///   connection is authenticated; runs until its task is cancelled.
public struct PushConnection: Sendable {
    public struct Configuration: Sendable {
        public var initialBackoff: Duration = .milliseconds(200)
        public var maximumBackoff: Duration = .seconds(30)
        /// How many handled ids are remembered for deduplication.
        public var rememberedIDs = 10_000
        public init() {}
    }

    /// What the connection is doing, for a status line or a test.
    public enum Event: Sendable, Equatable {
        case connecting
        case ready
        case disconnected
        case refused(code: String)
    }

    let relay: RelayClient
    let configuration: Configuration
    private let handled = HandledIDs()

    public init(relay: RelayClient, configuration: Configuration = Configuration()) {
        self.relay = relay
        self.configuration = configuration
    }

    /// Runs until its task is cancelled, then returns. `handler` returns true when the entry
    /// should be acknowledged; an error from it drops the connection (the entry comes again).
    public func run(
        onEvent: @escaping @Sendable (Event) -> Void = { _ in }, handler: @escaping @Sendable (MailboxEntryBody) async throws -> Bool
    ) async throws {
        guard let credentials = relay.credentials else { throw LetterlockError.notRegistered }
        let url = (relay.baseURL.hasPrefix("https") ? "wss" : "ws") + relay.baseURL.drop(while: { $0 != ":" }) + "/v1/websocket"
        var backoff = configuration.initialBackoff
        var logger = Logger(label: "letterlock.push")
        logger.logLevel = .critical
        while !Task.isCancelled {
            onEvent(.connecting)
            let wasReady = Atomic<Bool>(false)
            do {
                try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 22), logger: logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                    guard let first = try await messages.next(), let challenge = Self.frame(first), challenge.type == "challenge",
                        let nonce = challenge.nonce
                    else { return }
                    let signature = try credentials.signingKey.signature(
                        for: RequestSigning.webSocketChallenge(authority: relay.authority, nonce: nonce, device: credentials.deviceID))
                    try await Self.write(
                        PushFrame(type: "auth", deviceID: credentials.deviceID, signature: Data(signature).base64URLEncodedString()), outbound)
                    while let message = try await messages.next() {
                        guard let frame = Self.frame(message) else { continue }
                        switch frame.type {
                        case "ready":
                            wasReady.store(true, ordering: .relaxed)
                            onEvent(.ready)
                        case "error":
                            onEvent(.refused(code: frame.code ?? "error"))
                        case "entry":
                            guard let entry = frame.entry else { continue }
                            let acknowledge: Bool
                            if let previous = handled.outcome(of: entry.id) {
                                acknowledge = previous
                            } else {
                                acknowledge = try await handler(entry)
                                handled.record(entry.id, acknowledged: acknowledge, limit: configuration.rememberedIDs)
                            }
                            if acknowledge { try await Self.write(PushFrame(type: "ack", ids: [entry.id]), outbound) }
                        default:
                            continue
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                // Unreachable relay, dropped connection: retry below.
            }
            onEvent(.disconnected)
            if wasReady.load(ordering: .relaxed) { backoff = configuration.initialBackoff }
            let jitter = Double.random(in: 0.5...1.0)
            try? await Task.sleep(for: backoff * jitter)  // cancellation ends the loop above
            backoff = min(backoff * 2, configuration.maximumBackoff)
        }
    }

    private static func frame(_ message: WebSocketMessage) -> PushFrame? {
        guard case .text(let text) = message else { return nil }
        return try? JSONDecoder().decode(PushFrame.self, from: Data(text.utf8))
    }

    private static func write(_ frame: PushFrame, _ outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.text(String(decoding: try JSONEncoder().encode(frame), as: UTF8.self)))
    }
}
