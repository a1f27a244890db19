import Hummingbird
import Metrics

/// Refuses a request with `rate_limited` when its client address has used up the coarse
/// per-address window (``AddressRateLimiter``), before the route reads anything.
struct AddressLimitMiddleware: RouterMiddleware {
    let relay: Relay

    func handle(
        _ request: Request, context: RelayRequestContext, next: (Request, RelayRequestContext) async throws -> Response
    ) async throws -> Response {
        // Health and readiness probes come from the orchestrator, often all from one address.
        let path = request.uri.path
        if path == "/healthz" || path == "/readyz" { return try await next(request, context) }
        var context = context
        let key = relay.clientKey(request, context)
        context.addressKey = key
        guard relay.addressLimiter.admit(key, now: relay.now()) else {
            relay.metrics.rateLimited.increment()
            throw RelayError.rateLimited
        }
        return try await next(request, context)
    }
}
