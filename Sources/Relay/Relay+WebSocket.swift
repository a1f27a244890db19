import Crypto
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import NIOWebSocket
import RelayAPI
import RelayJSON
import RelayStorage
import Synchronization

extension Relay {
    /// `GET /v1/websocket`: push delivery (see ``PushFrame``).
    ///
    /// 1. The relay sends a `challenge`; the device answers with `auth`, signing the challenge
    ///    with its key, within ``Configuration/webSocketAuthTimeout``.
    /// 2. The relay sends every unacknowledged entry in order (inbox, then requests), then new
    ///    entries as they arrive: at-least-once, with stable ids the device uses to drop duplicates.
    /// 3. `ack` deletes entries (durably, shortly after: the session does not wait for the
    ///    commit; see ``PushAcknowledgements``). At most ``Configuration/webSocketWindow`` entries
    ///    are in flight unacknowledged; beyond that the relay waits, reading nothing more from the
    ///    store, so a slow device costs a bounded amount of memory.
    func addWebSocketRoute(to router: Router<RelayRequestContext>) {
        router.ws("/v1/websocket") { inbound, outbound, context in
            try await self.runPushSession(inbound: inbound, outbound: outbound, host: context.request.head.authority, logger: context.logger)
        }
    }

    private func runPushSession(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, host: String?, logger: Logger) async throws {
        let nonce = RequestSigning.freshNonce()
        let session = PushSessionState()
        try await Self.send(PushFrame(type: "challenge", nonce: nonce), on: outbound)
        // Authentication deadline: a connection that does not answer in time is closed. Ended
        // as soon as the device is authenticated, so an open session holds no sleeping task.
        let timeout = configuration.webSocketAuthTimeout
        let deadline = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            if !session.authenticated.load(ordering: .acquiring) {
                try? await outbound.close(.policyViolation, reason: "authentication timeout")
            }
        }
        defer { deadline.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            var messages = inbound.messages(maxSize: 64 * 1024).makeAsyncIterator()
            guard let device = try await self.authenticatePush(messages.next(), nonce: nonce, authorities: self.signedAuthorities(host)) else {
                self.metrics.authenticationFailures.increment()
                try? await Self.send(PushFrame(type: "error", code: "unauthenticated"), on: outbound)
                try? await outbound.close(.policyViolation, reason: "unauthenticated")
                return
            }
            session.authenticated.store(true, ordering: .releasing)
            deadline.cancel()

            let subscription = self.notifier.subscribe(device.id)
            self.metrics.openConnections.record(self.notifier.connectionCount)
            defer {
                self.notifier.unsubscribe(device.id, token: subscription.token)
                self.metrics.openConnections.record(self.notifier.connectionCount)
            }
            self.metrics.mailboxDepth.record(try await self.store.mailboxDepth(of: device.id))
            try await Self.send(PushFrame(type: "ready"), on: outbound)
            let wake = subscription.continuation
            wake.yield()
            // A failed deletion leaves its entries in the store: the device is told and the
            // socket closed, so that it reconnects and gets them again (at-least-once). The
            // closures capture what they use, not `self` (a copy of `Relay` each, per session).
            let (store, deviceID, acknowledged, logger) = (self.store, device.id, self.metrics.entriesAcknowledged, self.logger)
            let acknowledgements = PushAcknowledgements(
                submit: { ids, completion in store.acknowledge(ids.map(MailboxEntryID.init), for: deviceID, completion: completion) },
                committed: { acknowledged.increment(by: $0) },
                failed: { error in
                    logger.warning("push acknowledgement failed", metadata: ["error.type": "\(type(of: error))"])
                    Task {
                        try? await Self.send(PushFrame(type: "error", code: "internal_error"), on: outbound)
                        try? await outbound.close(.unexpectedServerError, reason: "internal error")
                    }
                }
            )

            // Sender (``PushSender``): pushes entries as the notifier wakes it, within the window.
            let sender = PushSender(
                notifier: self.notifier, store: self.store, device: device.id, token: subscription.token,
                window: self.configuration.webSocketWindow, maximumPageSize: self.configuration.maximumPageSize,
                pushed: self.metrics.entriesPushed, logger: self.logger, session: session, acknowledgements: acknowledgements,
                outbound: outbound)
            group.addTask { await sender.run(wakeUps: subscription.wakeUps) }

            // Reader: acknowledgements free window slots at once (waking the sender) and are
            // queued for deletion, which the reader does not wait for (``PushAcknowledgements``).
            // The session ends when the device disconnects.
            while let message = try await messages.next() {
                guard case .text(let text) = message, let ids = Self.acknowledgedIDs(text) else { continue }
                let full = acknowledgements.add(ids)
                // Only a full window stops the sender; otherwise an ack has nothing to wake.
                let windowWasFull = session.inFlight.withLock { inFlight in
                    defer { inFlight.subtract(ids) }
                    return inFlight.count >= self.configuration.webSocketWindow
                }
                if windowWasFull { wake.yield() }
                if full { await acknowledgements.waitForRoom() }
            }
        }
    }

    /// The ids of an `ack` frame of at most 1,000 ids; nil for any other frame, which the
    /// session ignores. The canonical spelling is read by hand (``AckFrame``), any other with
    /// `JSONDecoder` as before.
    static func acknowledgedIDs(_ text: String) -> [Int64]? {
        var text = text
        if let frame = text.withUTF8({ AckFrame(canonicalJSON: UnsafeRawBufferPointer($0), maximumIDs: 1_000) }) { return frame.ids }
        guard let frame = try? JSONDecoder().decode(PushFrame.self, from: Data(text.utf8)), frame.type == "ack",
            let ids = frame.ids, ids.count <= 1_000
        else { return nil }
        return ids
    }

    /// Checks the `auth` frame answering the challenge (signed for one of `authorities`); nil if
    /// it is missing or does not verify.
    private func authenticatePush(_ message: WebSocketMessage?, nonce: String, authorities: [String]) async throws -> Device? {
        guard case .text(let text) = message,
            let frame = try? JSONDecoder().decode(PushFrame.self, from: Data(text.utf8)), frame.type == "auth",
            let deviceText = frame.deviceID, let id = DeviceID(rawValue: deviceText),
            let signature = frame.signature.flatMap({ Data(base64URLEncoded: $0) }),
            let device = try await store.device(id),
            let key = DevicePublicKey.validated(device.publicKey),
            authorities.contains(where: { key.isValidSignature(signature, for: RequestSigning.webSocketChallenge(authority: $0, nonce: nonce, device: deviceText)) })
        else { return nil }
        return device
    }

    static func send(_ frame: PushFrame, on outbound: WebSocketOutboundWriter) async throws {
        let data = try JSONEncoder().encode(frame)
        try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
    }
}

/// What a push session's tasks share.
final class PushSessionState: Sendable {
    let authenticated = Atomic<Bool>(false)
    /// Ids pushed and not yet acknowledged on this connection.
    let inFlight = Mutex<Set<Int64>>([])
}
