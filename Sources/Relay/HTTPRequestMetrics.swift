import HTTPTypes
import Metrics
import Synchronization

/// The per-request metrics Hummingbird's `MetricsMiddleware` records, under the same labels and
/// dimensions, with each handle made once per (method) or (route, method, status) and kept:
///
/// - `http.server.active_requests` (meter; `http.request.method`): requests in progress;
/// - `hb.requests` (counter; `http.route`, `http.request.method`, `http.response.status_code`);
/// - `http.server.request.duration` (timer, seconds; same dimensions): recorded once the
///   response body is written;
/// - `hb.request.errors` (counter; `http.route`, `http.request.method`, `error.type` = status
///   code): requests answered with an error.
///
/// The route is the route template, never the concrete path. Methods are those NIO's HTTP/1
/// parser knows (a fixed list), statuses those the relay answers, so the tables stay small.
final class HTTPRequestMetrics: Sendable {
    struct Endpoint: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter
    }

    private struct EndpointKey: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private let factory: any MetricsFactory
    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let endpoints = Mutex<[EndpointKey: Endpoint]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// The meter of requests in progress with `method`.
    func activeRequests(_ method: HTTPRequest.Method) -> Meter {
        methods.withLock { methods in
            if let meter = methods[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory)
            methods[method] = meter
            return meter
        }
    }

    /// The handles of one (route, method, status).
    func endpoint(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> Endpoint {
        let key = EndpointKey(route: route, method: method, status: status.code)
        return endpoints.withLock { endpoints in
            if let endpoint = endpoints[key] { return endpoint }
            let dimensions = [("http.route", route), ("http.request.method", method.rawValue), ("http.response.status_code", String(status.code))]
            let endpoint = Endpoint(
                requests: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory),
                errors: Counter(
                    label: "hb.request.errors",
                    dimensions: [("http.route", route), ("http.request.method", method.rawValue), ("error.type", String(status.code))],
                    factory: factory
                )
            )
            endpoints[key] = endpoint
            return endpoint
        }
    }
}
