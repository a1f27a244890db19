import Foundation
import RelayStorage
import Synchronization

/// In-memory, fixed-window request counters per hashed client address (``AddressKey``).
///
/// The relay keeps three: the coarse limit in front of every route, applied before any body is
/// read or signature checked (review L3: unauthenticated work such as reading up to 1.75 MB,
/// hashing it, an Ed25519 verification or a WebSocket held for its challenge is bounded per
/// address), the sealed-send limit and the registration limit. They live in memory, not in the
/// store: they are checked on hot paths, and their keys (HMACs under a per-process key) mean
/// nothing after a restart anyway, so a durable copy would protect nothing.
///
/// Each window's table is reset at the window's boundary and holds at most `maximumAddresses`
/// keys; when that many distinct addresses have been seen in one window, new ones are let
/// through for that window (fail open: the per-device and per-route limits still apply) rather
/// than refused, so memory stays bounded and an attacker with many addresses cannot lock out
/// everyone else.
final class AddressRateLimiter: Sendable {
    private struct Table {
        var windowStart: Int64 = .min
        var counts: [AddressKey: Int] = [:]
    }

    private let tables: Mutex<[Table]>
    let windows: [RateLimitWindow]
    let maximumAddresses: Int

    convenience init(window: RateLimitWindow?, maximumAddresses: Int = 1_000_000) {
        self.init(windows: window.map { [$0] } ?? [], maximumAddresses: maximumAddresses)
    }

    init(windows: [RateLimitWindow], maximumAddresses: Int = 1_000_000) {
        self.windows = windows
        self.maximumAddresses = maximumAddresses
        self.tables = Mutex(Array(repeating: Table(), count: windows.count))
    }

    /// Counts one request for `key` if every window still has room for it; false (counting
    /// nothing) when the address has used up any window.
    func admit(_ key: AddressKey, now: Date) -> Bool {
        guard !windows.isEmpty else { return true }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return tables.withLock { tables in
            for index in windows.indices {
                let window = windows[index]
                let start = seconds - ((seconds % window.seconds) + window.seconds) % window.seconds
                if tables[index].windowStart != start {
                    tables[index].windowStart = start
                    tables[index].counts.removeAll(keepingCapacity: true)
                }
                guard tables[index].counts[key, default: 0] < window.limit else { return false }
            }
            for index in windows.indices {
                let count = tables[index].counts[key, default: 0]
                guard count > 0 || tables[index].counts.count < maximumAddresses else { continue }
                tables[index].counts[key] = count + 1
            }
            return true
        }
    }
}
