import Hummingbird
import Logging
import Metrics

/// The one middleware in front of every route. It does, in this nesting order (outermost first),
/// what four middlewares did before; one async frame and one copy of the request and its context
/// per request instead of four, on a path (the sealed send) that does little else:
///
/// 1. **The request log**: one structured line per request with no user data: method, route
///    template (never the concrete path, which can hold ids or usernames), status and duration.
///    Successful requests on `quietRoutes` log at `debug`, their failures at `info` like every
///    other request: the sealed send is the relay's hot path (a line per message cost ~1.9 % of
///    the relay's CPU under `letterlock-bench relay`), and its volume is in the metrics.
/// 2. **Request metrics** (``HTTPRequestMetrics``: Hummingbird's `MetricsMiddleware` names and
///    dimensions; the route is `Unknown` for an answer without one, `NotFound` for an error
///    without one). One difference: a response with a body of at most ``smallBody`` bytes is
///    counted (and its duration taken) when the route returns it, not once it is written, so
///    that Hummingbird writes it in one go (see `handle`).
/// 3. **Error mapping**: every error that is not already an HTTP error becomes `internal_error`,
///    logged with its type only (review L7). Descriptions of storage or system errors can hold
///    SQL, paths or values; without this, Hummingbird logs them whole at debug level.
/// 4. **The coarse per-address limit**: refuses a request with `rate_limited` when its client
///    address has used up ``Relay/Configuration/addressRequestLimit`` (``AddressRateLimiter``),
///    before the route reads anything, and keeps the address key in the context for the
///    routes' own per-address limits. Health and readiness probes are not counted.
struct RelayMiddleware: RouterMiddleware {
    let relay: Relay
    let quietRoutes: Set<String>
    let metrics: HTTPRequestMetrics

    /// Bodies up to this size are counted as answered when the route returns them; larger and
    /// streamed ones once they are written (as Hummingbird's `MetricsMiddleware` counts all).
    static let smallBody = 64 << 10

    func handle(
        _ request: Request, context: RelayRequestContext, next: (Request, RelayRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method
        let active = metrics.activeRequests(method)
        active.increment()
        do {
            var response: Response
            do {
                let path = request.uri.path
                if path == "/healthz" || path == "/readyz" {
                    // Probes come from the orchestrator, often all from one address.
                    response = try await next(request, context)
                } else {
                    var context = context
                    context.addressKey = relay.clientKey(request, context)
                    try relay.rateLimit(relay.addressLimiter, request, context)
                    response = try await next(request, context)
                }
            } catch let error as any HTTPResponseError {
                throw error
            } catch {
                relay.logger.error(
                    "request failed", metadata: ["error.type": "\(type(of: error))", "route": "\(context.endpointPath ?? "unmatched")"])
                throw RelayError.internalError
            }
            let status = response.status
            let route = context.endpointPath
            let metrics = metrics
            @Sendable func record() {
                let endpoint = metrics.endpoint(route ?? "Unknown", method, status)
                endpoint.requests.increment()
                let elapsed = ContinuousClock.now - start
                endpoint.duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                active.decrement()
            }
            if let length = response.body.contentLength, length <= Self.smallBody {
                // Counted as answered now: wrapping a body in a closure (as below) makes
                // Hummingbird write head, body and end as three writes and flushes instead of
                // one, and the write of a small body adds nothing worth timing.
                record()
            } else {
                let body = response.body
                response.body = ResponseBody(contentLength: body.contentLength) { writer in
                    do {
                        try await body.write(writer)
                    } catch {
                        record()
                        throw error
                    }
                    record()
                }
            }
            log(request, context, status: status.code, start: start)
            return response
        } catch {
            // Every error is an HTTP error here (see the mapping above).
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let endpoint = metrics.endpoint(context.endpointPath ?? "NotFound", method, status)
            endpoint.requests.increment()
            endpoint.errors.increment()
            active.decrement()
            log(request, context, status: status.code, start: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: RelayRequestContext, status: Int, start: ContinuousClock.Instant) {
        let route = context.endpointPath
        let level: Logger.Level = status < 400 && route.map(quietRoutes.contains) == true ? .debug : .info
        let logger = relay.logger
        guard logger.logLevel <= level else { return }
        let elapsed = ContinuousClock.now - start
        logger.log(
            level: level, "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route ?? "unmatched")", "status": "\(status)",
                "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ]
        )
    }
}
