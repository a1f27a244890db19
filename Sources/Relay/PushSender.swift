import HummingbirdWebSocket
import Logging
import Metrics
import NIOWebSocket
import RelayAPI
import RelayStorage
import Synchronization

/// A push session's sender: what it needs, without a copy of `Relay` per session.
///
/// Pushes entries in id order per queue, never more than the window. A queue it has read to
/// its end is "caught up": every later entry of it is handed on by the notifier (the
/// subscription predates the read, and entries are handed in id order once durable), so it
/// pushes those without reading them back. Otherwise (at the start, after a full window or when
/// the notifier dropped entries) it reads pages from the store after its cursors. If the store
/// fails, the device is told and the socket closed, so that it reconnects rather than wait on a
/// session that no longer pushes (review L1).
struct PushSender: Sendable {
    let notifier: MailboxNotifier
    let store: any RelayStore
    let device: DeviceID
    let token: Int
    let window: Int
    let maximumPageSize: Int
    let pushed: Counter
    let logger: Logger
    let session: PushSessionState
    let acknowledgements: PushAcknowledgements
    let outbound: WebSocketOutboundWriter

    func run(wakeUps: AsyncStream<Void>) async {
        do {
            var cursors: [MailboxQueue: MailboxEntryID] = [:]
            var caughtUp: Set<MailboxQueue> = []
            for await _ in wakeUps {
                let handed = notifier.take(device, token: token)
                if handed.overflowed { caughtUp.removeAll() }
                // Entries removed other than by a WebSocket ack (HTTP ack, request answers,
                // expiry) would hold their slots forever and stall the push (review L1).
                if session.inFlight.withLock({ $0.count }) >= window {
                    for id in session.inFlight.withLock({ Array($0) })
                    where try await store.entry(MailboxEntryID(id), for: device) == nil {
                        session.inFlight.withLock { _ = $0.remove(id) }
                    }
                }
                for entry in handed.entries where caughtUp.contains(entry.queue) {
                    // Committed before the last read began: that read pushed it.
                    if let cursor = cursors[entry.queue], entry.id <= cursor { continue }
                    guard session.inFlight.withLock({ $0.count }) < window else {
                        caughtUp.remove(entry.queue)  // read it from the store once acks free the window
                        continue
                    }
                    if !acknowledgements.isPending(entry.id.rawValue) { try await push(entry) }
                    cursors[entry.queue] = entry.id
                }
                var progressed = true
                while progressed {
                    progressed = false
                    for queue in MailboxQueue.allCases where !caughtUp.contains(queue) {
                        let room = window - session.inFlight.withLock { $0.count }
                        guard room > 0 else { break }
                        let limit = min(room, maximumPageSize)
                        let page = try await store.entries(for: device, queue: queue, after: cursors[queue], limit: limit)
                        for entry in page {
                            // Acknowledged, its deletion not yet committed: not again.
                            if !acknowledgements.isPending(entry.id.rawValue) { try await push(entry) }
                            cursors[queue] = entry.id
                        }
                        // A short page read the queue to its end; a full one reads again.
                        if page.count == limit { progressed = true } else { caughtUp.insert(queue) }
                    }
                }
            }
            // The wake-ups ended: this session's subscription was ended for a newer
            // one of the device (``MailboxNotifier/maximumSessionsPerDevice``), or the
            // session is ending anyway.
            try? await outbound.close(.policyViolation, reason: "replaced by a newer session")
        } catch {
            logger.warning("push session failed", metadata: ["error.type": "\(type(of: error))"])
            try? await Relay.send(PushFrame(type: "error", code: "internal_error"), on: outbound)
            try? await outbound.close(.unexpectedServerError, reason: "internal error")
        }
    }

    /// Pushes one entry, counting it in flight until acknowledged.
    private func push(_ entry: MailboxEntry) async throws {
        session.inFlight.withLock { _ = $0.insert(entry.id.rawValue) }
        try await outbound.write(.text(Relay.entryFrameText(entry)))
        pushed.increment()
    }
}
