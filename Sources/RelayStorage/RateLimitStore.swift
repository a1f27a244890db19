public import Foundation

/// Fixed-window event counters, keyed by an opaque string the caller builds (an account id,
/// a device id or an IP hash, never a clear IP).
public protocol RateLimitStore: Sendable {
    /// Counts `cost` units (events, or bytes for a byte budget) under `key` if every window still
    /// has room for all of them, atomically; returns false (and counts nothing) otherwise.
    func consumeRateLimit(_ key: String, cost: Int, windows: [RateLimitWindow], now: Date) async throws -> Bool

    /// Drops counters whose window ended at or before `now`.
    func purgeRateLimits(now: Date) async throws

    /// Drops every counter whose key has one of `subjects` as a `:`-separated component (an
    /// account or device that was deleted: its counters must not outlive it, review L6).
    func deleteRateLimits(naming subjects: [String]) async throws
}

extension RateLimitStore {
    /// Counts one event under `key` if every window still has room.
    public func consumeRateLimit(_ key: String, windows: [RateLimitWindow], now: Date) async throws -> Bool {
        try await consumeRateLimit(key, cost: 1, windows: windows, now: now)
    }
}
