public import Foundation

/// What ``RequestNonceStore/admitRequest(device:nonce:expiresAt:rateLimitKey:windows:now:)`` decided.
public enum RequestAdmission: Sendable, Hashable {
    /// The nonce was new and the rate limit had room: both are now recorded.
    case accepted
    /// The device already used this nonce and its record has not expired: nothing was counted.
    case replayed
    /// A rate-limit window is full: nothing was counted or recorded.
    case rateLimited
}

/// The nonces of accepted signed requests, kept in the store until they expire, so that a
/// captured request cannot be sent again after a restart, or to another node sharing the store
/// (relay review L2). It is the relay's only replay record: there is no in-memory cache in front
/// (docs/relay.md, "Replay protection").
public protocol RequestNonceStore: Sendable {
    /// Atomically, in the same transaction as the device's rate-limit counter (so that recording
    /// a nonce costs no extra commit): refuses a live nonce of `device` (``RequestAdmission/replayed``),
    /// then counts one event under `rateLimitKey` if every window has room
    /// (``RequestAdmission/rateLimited`` otherwise), then records `nonce` until `expiresAt`.
    func admitRequest(
        device: DeviceID, nonce: String, expiresAt: Date, rateLimitKey: String, windows: [RateLimitWindow], now: Date
    ) async throws -> RequestAdmission

    /// Drops the nonces that expired at or before `now`.
    func purgeRequestNonces(now: Date) async throws
}
