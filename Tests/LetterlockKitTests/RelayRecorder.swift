import Foundation
import Hummingbird
import NIOCore
import Relay
import Synchronization

/// Everything a relay received over HTTP: each request's method, path, headers and body, in
/// arrival order. Together with its data directory, this is the relay's full view.
final class RelayRecorder: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [(name: String, value: String)]
        var body: Data
    }

    private let requests = Mutex<[Request]>([])

    func append(_ request: Request) { requests.withLock { $0.append(request) } }

    var all: [Request] { requests.withLock { $0 } }

    /// Every received byte, as one blob to search.
    var bytes: Data {
        all.reduce(into: Data()) { out, request in
            out += Data("\(request.method) \(request.path)\n".utf8)
            for header in request.headers { out += Data("\(header.name): \(header.value)\n".utf8) }
            out += request.body
        }
    }
}

/// Records each request, then hands it to the relay's own responder (its routes and middleware).
struct RecordingResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == RelayRequestContext {
    typealias Context = RelayRequestContext
    let inner: Inner
    let recorder: RelayRecorder

    func respond(to request: Hummingbird.Request, context: Context) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4 << 20)
        recorder.append(
            .init(
                method: request.method.rawValue, path: request.uri.description,
                headers: request.headers.map { ($0.name.rawName, $0.value) }, body: Data(body.readableBytesView)))
        return try await inner.respond(to: request, context: context)
    }
}
