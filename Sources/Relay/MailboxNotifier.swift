import RelayStorage
import Synchronization

/// Wakes the WebSocket sessions of devices that have new mailbox entries. A wake-up carries no
/// data: the session reads the store, so a slow session never makes the notifier buffer entries
/// (each subscription holds at most one pending signal).
final class MailboxNotifier: Sendable {
    private struct Subscription {
        var id: Int
        var continuation: AsyncStream<Void>.Continuation
    }

    private let state = Mutex<(next: Int, byDevice: [DeviceID: [Subscription]])>((0, [:]))

    /// A stream of wake-ups for `device`, and a token to end it.
    func subscribe(_ device: DeviceID) -> (token: Int, wakeUps: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token = state.withLock { state in
            state.next += 1
            state.byDevice[device, default: []].append(Subscription(id: state.next, continuation: continuation))
            return state.next
        }
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

    func notify(_ devices: some Sequence<DeviceID>) {
        let targets = state.withLock { state in devices.flatMap { state.byDevice[$0] ?? [] } }
        for target in targets { target.continuation.yield() }
    }

    var connectionCount: Int { state.withLock { $0.byDevice.values.reduce(0) { $0 + $1.count } } }
}
