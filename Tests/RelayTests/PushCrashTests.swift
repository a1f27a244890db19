import Crypto
import Foundation
import HummingbirdWSClient
import Logging
import NIOWebSocket
import RelayAPI
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Tells a receiver to stop after its current frame.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

/// What the push crash test observed, in one order (`event` numbers) across relay lives.
final class PushLedger: Sendable {
    struct State {
        var event = 0
        /// Sequence numbers whose sealed send the relay answered 201.
        var sent: Set<Int> = []
        /// Every entry frame received: life, entry id, sequence, event number.
        var deliveries: [(life: Int, id: Int64, sequence: Int, event: Int)] = []
        /// Entry id -> (life, event) of the client's latest ack of it.
        var acked: [Int64: (life: Int, event: Int)] = [:]
        /// Entry id -> event at which the store was seen without it after the client acked it:
        /// the relay has applied (committed) that ack.
        var confirmedGone: [Int64: Int] = [:]
        /// Acks written per life.
        var acksPerLife: [Int: Int] = [:]
    }

    private let state = Mutex(State())

    func sent(_ sequence: Int) { state.withLock { _ = $0.sent.insert(sequence) } }

    func delivered(life: Int, id: Int64, sequence: Int) {
        state.withLock { s in
            s.event += 1
            s.deliveries.append((life, id, sequence, s.event))
        }
    }

    func acknowledging(life: Int, id: Int64) {
        state.withLock { s in
            s.event += 1
            s.acked[id] = (life, s.event)
            s.acksPerLife[life, default: 0] += 1
        }
    }

    /// The ids the client has acknowledged so far, and the event number it is at.
    func ackedSnapshot() -> (ids: Set<Int64>, event: Int) { state.withLock { (Set($0.acked.keys), $0.event) } }

    func confirmGone(_ ids: some Sequence<Int64>) {
        state.withLock { s in
            s.event += 1
            for id in ids where s.confirmedGone[id] == nil { s.confirmedGone[id] = s.event }
        }
    }

    func acks(in life: Int) -> Int { state.withLock { $0.acksPerLife[life, default: 0] } }
    var snapshot: State { state.withLock { $0 } }
}

/// Issue 3 item 10, the crash test, during WebSocket acknowledgements: sealed sends arrive over
/// HTTP while the recipient, connected to the push WebSocket, acknowledges every entry it gets;
/// the real `letterlock-relay` process is killed with SIGKILL at random moments while those acks
/// flow, and restarted on the same data directory, where the recipient reconnects.
///
/// What at-least-once delivery with stable ids promises, checked:
/// - every send the relay answered 201 reaches the recipient, under one entry id (so exactly once
///   after the client drops duplicates by id);
/// - an entry is pushed at most once per connection, and never again on the connection that
///   acknowledged it; an acknowledged entry may come back only on a later connection, after a
///   crash (the ack may not have been committed);
/// - once the store was seen without an acknowledged entry (its ack committed), it never comes
///   back, across any number of crashes.
@Suite(.serialized) struct PushCrashTests {
    /// Connects to the push WebSocket as `client`'s device and acknowledges every entry at once,
    /// until the connection ends (the relay dies) or `stop` says so.
    static func receive(_ client: CrashRelay.Client, life: Int, ledger: PushLedger, stop: StopFlag) async {
        guard var components = URLComponents(url: client.base, resolvingAgainstBaseURL: false) else { return }
        components.scheme = "ws"
        components.path = "/v1/websocket"
        guard let url = components.string else { return }
        var logger = Logger(label: "push-crash")
        logger.logLevel = .critical
        _ = try? await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 22), logger: logger) { inbound, outbound, _ in
            var frames = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
            let decoder = JSONDecoder()
            guard case .text(let challenge) = try await frames.next(),
                let nonce = try decoder.decode(PushFrame.self, from: Data(challenge.utf8)).nonce
            else { return }
            let signature = try client.key.signature(
                for: RequestSigning.webSocketChallenge(
                    authority: RequestSigning.authority(of: client.base) ?? "", nonce: nonce, device: client.device))
            let auth = PushFrame(type: "auth", deviceID: client.device, signature: Data(signature).base64URLEncodedString())
            try await outbound.write(.text(String(decoding: try JSONEncoder().encode(auth), as: UTF8.self)))
            while !stop.isSet, let message = try await frames.next() {
                guard case .text(let text) = message, let frame = try? decoder.decode(PushFrame.self, from: Data(text.utf8)), let entry = frame.entry,
                    let sequence = Int(String(decoding: entry.payload.dropFirst(4 + "ws-".count), as: UTF8.self))
                else { continue }
                ledger.delivered(life: life, id: entry.id, sequence: sequence)
                // Recorded before the write: a kill may land between the two, which is exactly
                // an ack the relay may or may not have applied.
                ledger.acknowledging(life: life, id: entry.id)
                try await outbound.write(.text("{\"type\":\"ack\",\"ids\":[\(entry.id)]}"))
            }
            try? await outbound.close(.normalClosure, reason: nil)
        }
    }

    /// The entry ids in the device's inbox now, read over HTTP.
    static func storedIDs(_ client: CrashRelay.Client) async throws -> Set<Int64>? {
        var ids: Set<Int64> = []
        var after: Int64 = 0
        while true {
            guard let (status, body) = try? await client.send("GET", "/v1/mailbox?after=\(after)&limit=100"), status == 200 else { return nil }
            let page = try JSONDecoder().decode(MailboxPageResponse.self, from: body).entries
            guard let last = page.last else { return ids }
            ids.formUnion(page.map(\.id))
            after = last.id
        }
    }

    /// Marks as confirmed every entry the client had acknowledged before the read and the store
    /// no longer holds.
    static func confirmCommittedAcks(_ client: CrashRelay.Client, ledger: PushLedger) async throws {
        let before = ledger.ackedSnapshot()
        guard let stored = try await storedIDs(client) else { return }  // the relay died during the read
        ledger.confirmGone(before.ids.subtracting(stored))
    }

    @Test(.enabled(if: CrashRelay.binary != nil)) func acknowledgementsOverThePushWebSocketSurviveSIGKILL() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-push-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        var bob = CrashRelay.Client(base: relay.url)
        let (status, body) = try await bob.send(
            "POST", "/v1/accounts", body: try JSONEncoder().encode(RegisterRequest(publicKey: bob.key.publicKey.rawRepresentation)))
        #expect(status == 201)
        bob.device = try JSONDecoder().decode(RegisterResponse.self, from: body).deviceID
        let (_, tokenBody) = try await bob.send("POST", "/v1/delivery-token")
        let token = try JSONDecoder().decode(DeliveryTokenResponse.self, from: tokenBody).token

        let ledger = PushLedger()
        var next = 0
        let rounds = 6
        for life in 0..<rounds {
            let sender = CrashRelay.Client(base: relay.url)
            let receiver = CrashRelay.Client(base: relay.url, key: bob.key, device: bob.device)
            let start = next
            let sending = Task {
                var sequence = start
                while !Task.isCancelled {
                    let send = SealedSendRequest(
                        recipients: [.init(deviceID: receiver.device, token: token)], payload: Data([0, 1, 0, 3] + Array("ws-\(sequence)".utf8)))
                    guard let body = try? JSONEncoder().encode(send),
                        let result = try? await sender.send("POST", "/v1/messages/sealed", body: body, signed: false)
                    else { break }
                    if result.0 == 201 { ledger.sent(sequence) } else if result.0 == 0 || result.0 >= 500 { break }
                    sequence += 1
                }
                return sequence
            }
            let stop = StopFlag()
            let receiving = Task { await Self.receive(receiver, life: life, ledger: ledger, stop: stop) }

            // Once acks flow, read the store once (which acks it has applied), then wait for a few
            // more acks and kill at a random moment among them.
            var deadline = ContinuousClock.now + .seconds(30)
            while ledger.acks(in: life) < 8, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            guard ledger.acks(in: life) >= 8 else {
                relay.kill()
                _ = await sending.value
                await receiving.value
                Issue.record("life \(life): no acknowledgements over the WebSocket within 30 s")
                return
            }
            try await Self.confirmCommittedAcks(receiver, ledger: ledger)
            let wanted = ledger.acks(in: life) + Int.random(in: 4...16)
            deadline = ContinuousClock.now + .seconds(30)
            while ledger.acks(in: life) < wanted, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...20)))
            relay.kill()
            next = await sending.value + 1
            await receiving.value
            relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        }

        // The last life: no more sends; the client reconnects and acknowledges everything left,
        // then the store must be empty, and stay empty across one more SIGKILL.
        let receiver = CrashRelay.Client(base: relay.url, key: bob.key, device: bob.device)
        let stop = StopFlag()
        let draining = Task { await Self.receive(receiver, life: rounds, ledger: ledger, stop: stop) }
        let deadline = ContinuousClock.now + .seconds(30)
        var stored = try await Self.storedIDs(receiver)
        while stored?.isEmpty != true, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            stored = try await Self.storedIDs(receiver)
        }
        #expect(stored == [], "every entry was acknowledged and deleted")
        try await Self.confirmCommittedAcks(receiver, ledger: ledger)
        stop.set()
        relay.kill()
        await draining.value
        relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        defer { relay.kill() }
        let after = CrashRelay.Client(base: relay.url, key: bob.key, device: bob.device)
        #expect(try await Self.storedIDs(after) == [], "committed acks stay committed across a crash")

        let result = ledger.snapshot
        #expect(result.sent.count > 40, "too few acknowledged sends to mean anything: \(result.sent.count)")
        // Every send the relay acknowledged arrived, each under exactly one entry id.
        var idOfSequence: [Int: Set<Int64>] = [:]
        for delivery in result.deliveries { idOfSequence[delivery.sequence, default: []].insert(delivery.id) }
        let lost = result.sent.subtracting(idOfSequence.keys)
        #expect(lost.isEmpty, "acknowledged by the relay but never delivered: \(lost.sorted().prefix(10))")
        let split = idOfSequence.filter { $0.value.count > 1 }
        #expect(split.isEmpty, "sent once, stored under several ids: \(split.prefix(5))")
        // At most once per connection, and never again on the connection that acknowledged it.
        var seen: Set<String> = []
        var redelivered = 0
        var lastAckLife: [Int64: Int] = [:]
        for delivery in result.deliveries {
            #expect(seen.insert("\(delivery.life):\(delivery.id)").inserted, "entry \(delivery.id) pushed twice in life \(delivery.life)")
            if let ackLife = lastAckLife[delivery.id] {
                #expect(ackLife < delivery.life, "entry \(delivery.id) came back on the connection that acknowledged it")
                redelivered += 1
            }
            lastAckLife[delivery.id] = delivery.life  // every delivery is acknowledged at once
        }
        // Nothing whose ack the store had applied ever comes back.
        for delivery in result.deliveries {
            if let confirmed = result.confirmedGone[delivery.id] {
                #expect(delivery.event < confirmed, "entry \(delivery.id) came back after its acknowledgement was committed")
            }
        }
        #expect(!result.confirmedGone.isEmpty, "the test confirmed no committed ack, so it proved nothing about them")
        // Not asserted (it depends on where each kill lands), but shown: acks lost with a kill.
        print("push crash test: \(result.sent.count) sends, \(result.deliveries.count) pushes, \(redelivered) redelivered after a kill")
    }
}
