import Crypto
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import RelayAPI
import Synchronization

/// One simulated device of `letterlock-bench relay`: an Ed25519 key, the ids and delivery token
/// the relay gave it, and the loopback address it connects from.
struct SimulatedDevice: Sendable {
    let index: Int
    let key: Curve25519.Signing.PrivateKey
    var deviceID: String
    var token: Data
    /// 127.1.x.y: every device has its own source address, as real devices do, so per-address
    /// limits (sealed sends, registrations) count each device on its own.
    var localAddress: String { "127.1.\(index / 200).\(1 + index % 200)" }

    init(index: Int) {
        self.index = index
        key = Curve25519.Signing.PrivateKey()
        // Placeholders for the echo ceiling, which has no accounts; replaced on registration.
        deviceID = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        token = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
    }

    static let maximumDevices = 256 * 200
}

/// A message as the benchmark sends it: an MLS `PrivateMessage` framing header (RFC 9420 §6.3:
/// version mls10, wire format mls_private_message, a 16-byte group id, epoch, content type
/// application) whose opaque remainder carries the sequence number and send time, padded.
enum BenchMessage {
    static let headerSize = 2 + 2 + 1 + 16 + 8 + 1
    static let minimumSize = headerSize + 16

    static func make(sequence: UInt64, sentAt: UInt64, size: Int) -> Data {
        var bytes: [UInt8] = [0x00, 0x01, 0x00, 0x02, 16]
        bytes += [UInt8](repeating: 0x42, count: 16)
        bytes += withUnsafeBytes(of: UInt64(7).bigEndian, Array.init)
        bytes.append(1)
        bytes += withUnsafeBytes(of: sequence.bigEndian, Array.init)
        bytes += withUnsafeBytes(of: sentAt.bigEndian, Array.init)
        bytes += [UInt8](repeating: 0x5a, count: max(0, size - bytes.count))
        return Data(bytes)
    }

    /// The sequence number and send time, or nil for bytes the benchmark did not make.
    static func parse(_ payload: Data) -> (sequence: UInt64, sentAt: UInt64)? {
        guard payload.count >= minimumSize else { return nil }
        let bytes = [UInt8](payload.prefix(minimumSize))
        func integer(at offset: Int) -> UInt64 { bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) } }
        return (integer(at: headerSize), integer(at: headerSize + 8))
    }
}

/// The frames a device receives: the relay's ``PushFrame`` (`challenge`, `ready`, `entry`) or,
/// from the echo ceiling, the forwarded send body itself (which has a top-level `payload`).
private struct IncomingFrame: Decodable {
    struct Entry: Decodable {
        var id: Int64
        var payload: Data
    }
    var type: String?
    var nonce: String?
    var entry: Entry?
    var payload: Data?
}

/// The WebSocket side of every device: connects, answers the challenge, then records each push
/// and acknowledges it, as a client would.
final class PushConnections: Sendable {
    private let writers = Mutex<[WebSocketOutboundWriter]>([])
    private let readyCount = Atomic<Int>(0)
    private let failureList = Mutex<[String]>([])
    private let finishedCount = Atomic<Int>(0)
    let tracker: DeliveryTracker

    init(tracker: DeliveryTracker) { self.tracker = tracker }

    var ready: Int { readyCount.load(ordering: .acquiring) }
    var failures: [String] { failureList.withLock { $0 } }
    /// Connections that have ended (closed or failed).
    var finished: Int { finishedCount.load(ordering: .acquiring) }

    /// Runs one device's connection until the server closes it (after ``closeAll()``).
    func run(_ device: SimulatedDevice, url: String, logger: Logger) async {
        defer { finishedCount.add(1, ordering: .releasing) }
        do {
            try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 21), logger: logger) { inbound, outbound, _ in
                var frames = inbound.messages(maxSize: 1 << 21).makeAsyncIterator()
                let decoder = JSONDecoder()
                guard case .text(let challengeText) = try await frames.next(),
                    let nonce = try decoder.decode(IncomingFrame.self, from: Data(challengeText.utf8)).nonce
                else { throw BenchError("no challenge") }
                // The authority the WebSocket client's Host header carries.
                let authority = URL(string: url).flatMap(RequestSigning.authority(of:)) ?? ""
                let signature = try device.key.signature(
                    for: RequestSigning.webSocketChallenge(authority: authority, nonce: nonce, device: device.deviceID))
                let auth = PushFrame(type: "auth", deviceID: device.deviceID, signature: Data(signature).base64URLEncodedString())
                try await outbound.write(.text(String(decoding: try JSONEncoder().encode(auth), as: UTF8.self)))
                guard case .text(let readyText) = try await frames.next(),
                    try decoder.decode(IncomingFrame.self, from: Data(readyText.utf8)).type == "ready"
                else { throw BenchError("authentication refused") }
                self.writers.withLock { $0.append(outbound) }
                self.readyCount.add(1, ordering: .releasing)

                while let message = try await frames.next() {
                    guard case .text(let text) = message, let frame = try? decoder.decode(IncomingFrame.self, from: Data(text.utf8)),
                        let payload = frame.entry?.payload ?? frame.payload, let message = BenchMessage.parse(payload)
                    else { continue }
                    self.tracker.arrived(sequence: message.sequence, sentAt: message.sentAt)
                    // The relay deletes acknowledged entries; the echo reads and drops the ack.
                    let id = frame.entry.map { String($0.id) } ?? String(message.sequence)
                    try await outbound.write(.text("{\"type\":\"ack\",\"ids\":[\(id)]}"))
                }
            }
        } catch {
            failureList.withLock { $0.append("device \(device.index): \(error)") }
        }
    }

    /// Starts the closing handshake on every connection.
    func closeAll() async {
        for writer in writers.withLock({ $0 }) { try? await writer.close(.normalClosure, reason: nil) }
    }
}
