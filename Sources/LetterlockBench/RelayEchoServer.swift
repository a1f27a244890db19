import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import RelayAPI
import Synchronization
import UnixSignals

/// `letterlock-bench relay-echo-server` (hidden): the ceiling `letterlock-bench relay` measures
/// the relay against. The same stack (Hummingbird 2, hummingbird-websocket, SwiftNIO), the same
/// routes and frames as the client sees them, and nothing else: no storage, no signature check,
/// no JSON decoding on the message path.
///
/// - `GET /v1/websocket`: sends a `challenge`, takes the device id from the `auth` answer without
///   verifying it, sends `ready`, then reads and drops everything (acks).
/// - `POST /v1/messages/sealed`: writes the request body as is, as one text frame, to the
///   WebSocket of the device named in the `Letterlock-Bench-Recipient` header, then answers 201
///   with the relay's body. The message is "echoed" from the sender's request to the recipient's
///   socket.
struct RelayEchoServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-echo-server",
        abstract: "The WebSocket echo ceiling of `letterlock-bench relay` (started by it as a child process).",
        shouldDisplay: false
    )

    static let recipientHeader = "Letterlock-Bench-Recipient"

    @Option(help: "Port; 0 picks a free one, printed on stdout.")
    var port = 0

    func run() async throws {
        var logger = Logger(label: "letterlock.bench.echo")
        logger.logLevel = .warning
        let sockets = Mutex<[String: WebSocketOutboundWriter]>([:])
        let router = Router(context: BasicWebSocketRequestContext.self)
        guard let recipientHeader = HTTPField.Name(Self.recipientHeader) else { throw BenchError("bad header name") }
        let delivered = ByteBuffer(string: #"{"delivered":1,"duplicate":false}"#)
        router.post("/v1/messages/sealed") { request, _ in
            guard let recipient = request.headers[recipientHeader], let socket = sockets.withLock({ $0[recipient] }) else {
                return Response(status: .notFound)
            }
            let body = try await request.body.collect(upTo: 2 << 20)
            try await socket.write(.text(String(buffer: body)))
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .created, headers: headers, body: .init(byteBuffer: delivered))
        }
        router.ws("/v1/websocket") { inbound, outbound, _ in
            try await outbound.write(.text(#"{"type":"challenge","nonce":"echo-server-nonce-0000"}"#))
            var frames = inbound.messages(maxSize: 64 * 1024).makeAsyncIterator()
            guard case .text(let text) = try await frames.next(),
                let device = try? JSONDecoder().decode(PushFrame.self, from: Data(text.utf8)).deviceID
            else { return }
            sockets.withLock { $0[device] = outbound }
            defer { _ = sockets.withLock { $0.removeValue(forKey: device) } }
            try await outbound.write(.text(#"{"type":"ready"}"#))
            while try await frames.next() != nil {}
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: 1 << 21))),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let line = "letterlock-bench relay-echo-server listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            },
            logger: logger
        )
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
