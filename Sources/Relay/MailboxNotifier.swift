import RelayStorage
import Synchronization

/// Wakes the WebSocket sessions of devices that have new mailbox entries, and hands them the
/// new entries so that a session that has read its queue to the end can push them without
/// reading them back from the store.
///
/// Entries are handed on by the store's `stored` listener (``MailboxStore/deliver(_:stored:)``),
/// which runs once they are durable and, for one device, in id order. A session's share is
/// bounded (``maximumEntries`` entries and ``maximumBytes`` payload bytes): past that, the
/// entries are dropped and the session is told to read the store instead (``Handed/overflowed``),
/// so a slow session never makes the notifier buffer more than that. Each subscription holds at
/// most one pending wake-up signal.
///
/// A device holds at most ``maximumSessionsPerDevice`` subscriptions: a new one ends the oldest
/// (its wake-up stream finishes and its session closes), so that one device cannot make every
/// delivery to it cost an unbounded number of offers under this lock, which the group commit
/// holds while it answers (session 4 review M3), while a device reconnecting over sessions it
/// can no longer reach is never locked out.
final class MailboxNotifier: Sendable {
    /// What the notifier handed a session since it last looked.
    struct Handed {
        /// New entries of the device, in id order.
        var entries: [MailboxEntry] = []
        /// Entries were dropped to stay within the bounds: read the store instead.
        var overflowed = false
    }

    private struct Subscription {
        var id: Int
        var continuation: AsyncStream<Void>.Continuation
        var handed = Handed()
        var handedBytes = 0

        /// Keeps `entry` for the session if it fits, else drops everything and marks overflow.
        mutating func offer(_ entry: MailboxEntry, maximumEntries: Int, maximumBytes: Int) -> AsyncStream<Void>.Continuation {
            let size = entry.payload.count
            if handed.overflowed {
                // Already told to read the store: holds nothing more.
            } else if handed.entries.count < maximumEntries, handedBytes + size <= maximumBytes {
                handed.entries.append(entry)
                handedBytes += size
            } else {
                handed = Handed(entries: [], overflowed: true)
                handedBytes = 0
            }
            return continuation
        }

        mutating func take() -> Handed {
            defer {
                handed = Handed()
                handedBytes = 0
            }
            return handed
        }
    }

    private let state = Mutex<(next: Int, byDevice: [DeviceID: [Subscription]])>((0, [:]))
    let maximumEntries: Int
    let maximumBytes: Int
    let maximumSessionsPerDevice: Int

    init(maximumEntries: Int = 64, maximumBytes: Int = 1 << 20, maximumSessionsPerDevice: Int = 4) {
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
        self.maximumSessionsPerDevice = max(1, maximumSessionsPerDevice)
    }

    /// A stream of wake-ups for `device`, and a token to end it and to take what it was handed.
    /// Ends the device's oldest subscriptions beyond ``maximumSessionsPerDevice``.
    func subscribe(_ device: DeviceID) -> (token: Int, wakeUps: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (token, evicted) = state.withLock { state -> (Int, [Subscription]) in
            state.next += 1
            var subscriptions = state.byDevice[device] ?? []
            subscriptions.append(Subscription(id: state.next, continuation: continuation))
            let evicted = Array(subscriptions.prefix(max(0, subscriptions.count - maximumSessionsPerDevice)))
            state.byDevice[device] = Array(subscriptions.dropFirst(evicted.count))
            return (state.next, evicted)
        }
        evicted.forEach { $0.continuation.finish() }
        return (token, stream, continuation)
    }

    func unsubscribe(_ device: DeviceID, token: Int) {
        let removed = state.withLock { state -> [Subscription] in
            let all = state.byDevice[device] ?? []
            let remaining = all.filter { $0.id != token }
            state.byDevice[device] = remaining.isEmpty ? nil : remaining
            return all.filter { $0.id == token }
        }
        removed.forEach { $0.continuation.finish() }
    }

    /// Hands new, durable entries to their devices' sessions and wakes them. Must be called in
    /// id order for each device (the store's `stored` listener is).
    func hand(_ entries: [MailboxEntry]) {
        let targets = state.withLock { state -> [AsyncStream<Void>.Continuation] in
            var woken: [AsyncStream<Void>.Continuation] = []
            for entry in entries {
                let count = state.byDevice[entry.deviceID]?.count ?? 0
                for index in 0..<count {
                    // Mutated in place through the optional chain: no copy of the array.
                    if let wake = state.byDevice[entry.deviceID]?[index].offer(entry, maximumEntries: maximumEntries, maximumBytes: maximumBytes) {
                        woken.append(wake)
                    }
                }
            }
            return woken
        }
        for target in targets { target.yield() }
    }

    /// What the subscription was handed since the last call, emptying its share.
    func take(_ device: DeviceID, token: Int) -> Handed {
        state.withLock { state in
            guard let index = state.byDevice[device]?.firstIndex(where: { $0.id == token }) else { return Handed() }
            return state.byDevice[device]?[index].take() ?? Handed()
        }
    }

    var connectionCount: Int { state.withLock { $0.byDevice.values.reduce(0) { $0 + $1.count } } }
}
