import Foundation
import Synchronization

/// The instant every benchmark timestamp counts from.
private let benchEpoch = ContinuousClock.now

/// Nanoseconds of the monotonic clock since the benchmark started; senders and receivers live in
/// the same process, so one clock times a message from the start of its send to its push.
func monotonicNanoseconds() -> UInt64 {
    let elapsed = benchEpoch.duration(to: .now).components
    return UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000)
}

/// Matches pushed messages with the sends waiting for them, and records what arrived inside the
/// measurement window: the count and each message's end-to-end latency.
///
/// A message may be pushed before its sender has even read the HTTP answer, so an arrival with
/// nobody waiting is remembered until the sender asks. Pushes are at-least-once: a sequence number
/// seen before is counted as a duplicate and otherwise ignored.
final class DeliveryTracker: Sendable {
    private struct State {
        var waiting: [UInt64: (since: UInt64, continuation: CheckedContinuation<Bool, Never>)] = [:]
        var arrivedFirst: Set<UInt64> = []
        var seen: Set<UInt64> = []
        var measuring = false
        var windowStart: UInt64 = 0
        var latencies: [UInt64] = []
        var duplicates = 0
        var lost = 0
        var totalDelivered = 0
        var arrivedBeforeWait = 0
    }

    private let state = Mutex(State())

    /// Called by a receiving device for each pushed message.
    func arrived(sequence: UInt64, sentAt: UInt64) {
        let now = monotonicNanoseconds()
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard state.seen.insert(sequence).inserted else {
                state.duplicates += 1
                return nil
            }
            state.totalDelivered += 1
            if state.measuring { state.latencies.append(now &- sentAt) }
            if let waiter = state.waiting.removeValue(forKey: sequence) { return waiter.continuation }
            state.arrivedFirst.insert(sequence)
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Waits until the message `sequence` has been pushed to its recipient; false if it was given
    /// up (see ``giveUp(olderThan:)``).
    func waitForDelivery(of sequence: UInt64) async -> Bool {
        await withCheckedContinuation { continuation in
            let early = state.withLock { state -> Bool in
                if state.arrivedFirst.remove(sequence) != nil {
                    state.arrivedBeforeWait += 1
                    return true
                }
                state.waiting[sequence] = (monotonicNanoseconds(), continuation)
                return false
            }
            if early { continuation.resume(returning: true) }
        }
    }

    /// Ends the waits that have lasted longer than `nanoseconds` (a message the server lost, or
    /// one stuck behind a dead connection): they count as lost.
    func giveUp(olderThan nanoseconds: UInt64) {
        let now = monotonicNanoseconds()
        let expired = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            let old = state.waiting.filter { now &- $0.value.since > nanoseconds }
            for key in old.keys { state.waiting.removeValue(forKey: key) }
            state.lost += old.count
            return old.values.map(\.continuation)
        }
        for continuation in expired { continuation.resume(returning: false) }
    }

    /// Starts (or restarts) the measurement window: earlier arrivals are not counted.
    func startWindow() {
        state.withLock { state in
            state.measuring = true
            state.windowStart = monotonicNanoseconds()
            state.latencies.removeAll(keepingCapacity: true)
        }
    }

    /// Ends the window; returns the window's length in seconds and its latencies (nanoseconds).
    func endWindow() -> (seconds: Double, latencies: [UInt64]) {
        state.withLock { state in
            state.measuring = false
            return (Double(monotonicNanoseconds() - state.windowStart) / 1e9, state.latencies)
        }
    }

    /// Messages delivered inside the current window so far.
    var deliveredInWindow: Int { state.withLock { $0.latencies.count } }
    var totalDelivered: Int { state.withLock { $0.totalDelivered } }
    /// Sends whose push had arrived before the sender began waiting for it (usually before the
    /// sender had read its 201): the sender then resumes without suspending.
    var arrivedBeforeWait: Int { state.withLock { $0.arrivedBeforeWait } }
    var duplicates: Int { state.withLock { $0.duplicates } }
    var lost: Int { state.withLock { $0.lost } }
}
