/// A fixed-window limit: at most `limit` events per `seconds`.
public struct RateLimitWindow: Hashable, Sendable {
    public var seconds: Int64
    public var limit: Int

    public init(seconds: Int64, limit: Int) {
        precondition(seconds > 0 && limit >= 0, "a rate-limit window needs a positive length and a non-negative limit")
        self.seconds = seconds
        self.limit = limit
    }

    public static func perHour(_ limit: Int) -> RateLimitWindow { RateLimitWindow(seconds: 3600, limit: limit) }
    public static func perDay(_ limit: Int) -> RateLimitWindow { RateLimitWindow(seconds: 86_400, limit: limit) }
}
