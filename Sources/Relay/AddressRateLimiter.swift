import Foundation
import RelayStorage
import Synchronization

/// A coarse, in-memory, fixed-window request counter per hashed client address, applied in front
/// of every route before any body is read or signature checked (review L3): unauthenticated
/// work (reading up to 1.75 MB, hashing it, an Ed25519 verification, a WebSocket held for its
/// challenge) is bounded per address. It lives in memory because it is checked on every request
/// and the keys (HMACs under a per-process key) mean nothing after a restart anyway.
///
/// The table is reset at each window boundary and holds at most `maximumAddresses` keys; when
/// that many distinct addresses have been seen in one window, new ones are let through (fail
/// open: the per-device and per-route limits still apply) rather than refused.
final class AddressRateLimiter: Sendable {
    private struct State {
        var windowStart: Int64 = .min
        var counts: [String: Int] = [:]
    }

    private let state = Mutex(State())
    let window: RateLimitWindow?
    let maximumAddresses: Int

    init(window: RateLimitWindow?, maximumAddresses: Int = 1_000_000) {
        self.window = window
        self.maximumAddresses = maximumAddresses
    }

    /// Counts one request for `key`; false when the address has used up the window.
    func admit(_ key: String, now: Date) -> Bool {
        guard let window else { return true }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let start = seconds - ((seconds % window.seconds) + window.seconds) % window.seconds
        return state.withLock { state in
            if state.windowStart != start {
                state.windowStart = start
                state.counts.removeAll(keepingCapacity: true)
            }
            let count = state.counts[key] ?? 0
            guard count < window.limit else { return false }
            guard count > 0 || state.counts.count < maximumAddresses else { return true }
            state.counts[key] = count + 1
            return true
        }
    }
}
