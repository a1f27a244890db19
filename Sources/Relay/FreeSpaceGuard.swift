import Foundation
import Logging
import Metrics
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The global disk high-water mark: tells whether the filesystem of the data directory has fallen
/// below ``Relay/Configuration/minimumFreeDiskBytes`` of free space, so that the relay refuses new
/// data (mailbox entries, blob uploads and parts) with `507 insufficient_storage` before the disk
/// fills, while acknowledgements, fetches, deletions and downloads (which free space or need
/// none) go on.
///
/// The per-account caps bound what one actor can store; this bounds what all of them together
/// can, whatever the disk size. The probe is injected (tests simulate a full disk), and it runs
/// at most once per ``Relay/Configuration/freeDiskCheckInterval``: a `statvfs` per send would be
/// cheap, but no cheaper than not making it, and free space does not move much in a second.
final class FreeSpaceGuard: Sendable {
    /// Bytes available to the relay's (unprivileged) process on the data directory's filesystem;
    /// nil when it cannot be told.
    typealias Probe = @Sendable () -> Int64?

    private struct State {
        var checkedAt: ContinuousClock.Instant?
        var low = false
    }

    private let minimum: Int64
    private let interval: Duration
    private let probe: Probe?
    private let logger: Logger
    private let state = Mutex(State())
    /// The last reading, for alerts before the mark is reached.
    private let freeBytes = Gauge(label: "relay_disk_free_bytes")
    /// 1 while new data is refused.
    private let refusing = Gauge(label: "relay_disk_low")

    /// - Parameters:
    ///   - probe: nil (no data directory, as with the in-memory store) or a `minimum` of 0 turns
    ///     the check off.
    init(minimum: Int64, interval: Duration, probe: Probe?, logger: Logger) {
        self.minimum = minimum
        self.interval = interval
        self.probe = minimum > 0 ? probe : nil
        self.logger = logger
    }

    /// True while free space is below the minimum. A probe that fails counts as enough space: the
    /// writes themselves still fail cleanly on a full disk, and an unreadable statistic must not
    /// stop a working relay.
    var isLow: Bool {
        guard let probe else { return false }
        let now = ContinuousClock.now
        return state.withLock { state in
            if let checkedAt = state.checkedAt, now - checkedAt < interval { return state.low }
            state.checkedAt = now
            let free = probe()
            if let free { freeBytes.record(free) }
            let low = free.map { $0 < minimum } ?? false
            refusing.record(low ? 1 : 0)
            if low != state.low {
                // Counts only: no path, no user data.
                if low {
                    logger.error("free disk space below the minimum; refusing new messages and uploads", metadata: ["minimum.bytes": "\(minimum)"])
                } else {
                    logger.notice("free disk space above the minimum again; accepting new messages and uploads")
                }
            }
            state.low = low
            return low
        }
    }

    /// Throws ``RelayError/insufficientStorage`` while free space is below the minimum.
    func check() throws(RelayError) {
        if isLow { throw .insufficientStorage }
    }

    /// The probe the executable uses: `statvfs` on `path`, blocks available to unprivileged
    /// processes (`f_bavail`, not `f_bfree`: the root reserve is not the relay's to use).
    static func statvfsProbe(path: String) -> Probe {
        {
            var stats = statvfs()
            guard statvfs(path, &stats) == 0 else { return nil }
            let (bytes, overflow) = Int64(clamping: stats.f_bavail).multipliedReportingOverflow(by: Int64(clamping: stats.f_frsize))
            return overflow ? Int64.max : bytes
        }
    }
}
