import Hummingbird
import Logging

/// Turns every error that is not already an HTTP error into `internal_error`, logging only its
/// type (review L7). Descriptions of storage or system errors can hold SQL, paths or values;
/// without this, Hummingbird logs them whole at debug level.
struct ErrorMappingMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("request failed", metadata: ["error.type": "\(type(of: error))", "route": "\(context.endpointPath ?? "unmatched")"])
            throw RelayError.internalError
        }
    }
}
