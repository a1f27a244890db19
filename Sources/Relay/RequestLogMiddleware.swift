import Hummingbird
import Logging

/// One structured log line per request with no user data: method, route template (never the
/// concrete path, which can hold ids or usernames), status and duration.
///
/// Successful requests on `quietRoutes` log at `debug`, their failures at `info` like every
/// other request: the sealed send is the relay's hot path (a line per message cost ~1.9 % of
/// the relay's CPU under `letterlock-bench relay`), and its volume is in the metrics.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    var quietRoutes: Set<String> = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            log(request, context, status: 500, start: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        let route = context.endpointPath
        let level: Logger.Level = status < 400 && route.map(quietRoutes.contains) == true ? .debug : .info
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
