import Hummingbird

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
        context.addressKey = relay.clientKey(request, context)
        try relay.rateLimit(relay.addressLimiter, request, context)
        return try await next(request, context)
    }
}
