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
///
/// The check is on the sealed-send path, so it takes no lock: it reads the last verdict (an
/// atomic). Once the interval has passed, the one caller that wins a compare-and-exchange on the
/// due time takes the new reading; callers meanwhile (and a caller racing the very first
/// reading) go by the previous verdict rather than wait for a `statvfs`.
final class FreeSpaceGuard: Sendable {
    /// Bytes available to the relay's (unprivileged) process on the data directory's filesystem;
    /// nil when it cannot be told.
    typealias Probe = @Sendable () -> Int64?

    private let minimum: Int64
    private let interval: Int64
    private let probe: Probe?
    private let logger: Logger
    /// `due` and ``nanoseconds(since:)`` count from here.
    private let origin = ContinuousClock.now
    /// When the next reading is due, in nanoseconds after `origin`; `Int64.max` while one caller
    /// takes it.
    private let due = Atomic<Int64>(0)
    /// The last verdict.
    private let low = Atomic<Bool>(false)
    /// The last reading, for alerts before the mark is reached.
    private let freeBytes = Gauge(label: "relay_disk_free_bytes")
    /// 1 while new data is refused.
    private let refusing = Gauge(label: "relay_disk_low")

    /// - Parameters:
    ///   - probe: nil (no data directory, as with the in-memory store) or a `minimum` of 0 turns
    ///     the check off.
    init(minimum: Int64, interval: Duration, probe: Probe?, logger: Logger) {
        self.minimum = minimum
        self.interval = Self.nanoseconds(interval)
        self.probe = minimum > 0 ? probe : nil
        self.logger = logger
    }

    /// True while free space is below the minimum. A probe that fails counts as enough space: the
    /// writes themselves still fail cleanly on a full disk, and an unreadable statistic must not
    /// stop a working relay.
    var isLow: Bool {
        guard let probe else { return false }
        let now = Self.nanoseconds(ContinuousClock.now - origin)
        let scheduled = due.load(ordering: .acquiring)
        guard now >= scheduled, due.compareExchange(expected: scheduled, desired: .max, ordering: .acquiring).exchanged else {
            return low.load(ordering: .acquiring)
        }
        // This caller alone takes the reading; nobody waits for it.
        let free = probe()
        if let free { freeBytes.record(free) }
        let isLow = free.map { $0 < minimum } ?? false
        refusing.record(isLow ? 1 : 0)
        if low.exchange(isLow, ordering: .acquiringAndReleasing) != isLow {
            // Counts only: no path, no user data.
            if isLow {
                logger.error("free disk space below the minimum; refusing new messages and uploads", metadata: ["minimum.bytes": "\(minimum)"])
            } else {
                logger.notice("free disk space above the minimum again; accepting new messages and uploads")
            }
        }
        let (next, overflow) = now.addingReportingOverflow(interval)
        due.store(overflow ? .max - 1 : next, ordering: .releasing)
        return isLow
    }

    /// Whole nanoseconds of `duration`, clamped to `0...Int64.max - 1`.
    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow || overflow2 ? .max - 1 : min(total, .max - 1)
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
