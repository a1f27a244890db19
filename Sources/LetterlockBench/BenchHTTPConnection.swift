import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection from a chosen local address, carrying one request at a
/// time (requests queue in order), the way a device talks to its relay.
///
/// The benchmark needs its own small client for one reason: each simulated device connects from
/// its own loopback address (127.1.x.y), as real devices come from their own addresses, so that
/// the relay's per-address limits apply to each device separately. The client code is the same
/// against the relay and against the echo ceiling.
final class BenchHTTPConnection: Sendable {
    /// The status and body of one response.
    struct Response: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    private struct Pending: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer
        var continuation: CheckedContinuation<Response, any Error>
    }

    private let requests: AsyncStream<Pending>.Continuation
    private let host: String

    private init(requests: AsyncStream<Pending>.Continuation, host: String) {
        self.requests = requests
        self.host = host
    }

    /// Connects from `localAddress` (port chosen by the kernel) to `host:port`.
    static func open(host: String, port: Int, localAddress: String) async throws -> BenchHTTPConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(to: try SocketAddress(ipAddress: localAddress, port: 0))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        let (stream, continuation) = AsyncStream<Pending>.makeStream()
        // The connection's own task: it owns the channel and answers queued requests in order.
        Task {
            do {
                try await channel.executeThenClose { inbound, outbound in
                    var responses = inbound.makeAsyncIterator()
                    for await pending in stream {
                        do {
                            try await outbound.write(contentsOf: [.head(pending.head), .body(.byteBuffer(pending.body)), .end(nil)])
                            var status = 0
                            var body = ByteBuffer()
                            reading: while let part = try await responses.next() {
                                switch part {
                                case .head(let head): status = Int(head.status.code)
                                case .body(var chunk): body.writeBuffer(&chunk)
                                case .end: break reading
                                }
                            }
                            guard status != 0 else { throw BenchError("the connection closed before a response") }
                            pending.continuation.resume(returning: Response(status: status, body: body))
                        } catch {
                            pending.continuation.resume(throwing: error)
                            throw error
                        }
                    }
                }
            } catch {
                // Fail whatever was still queued; later requests fail at once (the stream is finished).
                continuation.finish()
                for await pending in stream { pending.continuation.resume(throwing: error) }
            }
        }
        return BenchHTTPConnection(requests: continuation, host: host)
    }

    /// Sends one request and waits for its whole response.
    func request(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: ByteBuffer = ByteBuffer()) async throws
        -> Response
    {
        var fields = HTTPHeaders(headers)
        fields.add(name: "Host", value: host)
        fields.add(name: "Content-Length", value: String(body.readableBytes))
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: fields)
        return try await withCheckedThrowingContinuation { continuation in
            if case .terminated = requests.yield(Pending(head: head, body: body, continuation: continuation)) {
                continuation.resume(throwing: BenchError("the connection is closed"))
            }
        }
    }

    /// Closes the connection once the queued requests are answered.
    func close() { requests.finish() }
}
