public import Foundation

/// Fixed-window event counters, keyed by an opaque string the caller builds (an account id,
/// a device id or an IP hash, never a clear IP).
public protocol RateLimitStore: Sendable {
    /// Counts one event under `key` if every window still has room, atomically; returns false
    /// (and counts nothing) if any window is full.
    func consumeRateLimit(_ key: String, windows: [RateLimitWindow], now: Date) async throws -> Bool

    /// Drops counters whose window ended at or before `now`.
    func purgeRateLimits(now: Date) async throws
}
