import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Relay
import RelayAPI
import RelayStorage
import Synchronization
import Testing

/// Collects every log line the relay writes, at trace level, with its metadata.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.append("\(event.level) \(event.message) \(all) \(event.source)")
        }
    }
}

/// Issue 3 item 10, the deletion test: payloads carrying a random marker are sent, fetched and
/// acknowledged, expired, or orphaned by account deletion; afterwards no copy of the marker is
/// left anywhere under the data directory (database, WAL, free pages) nor in any log line.
@Suite struct DeletionTests {
    @Test func deletedMeansGone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-deletion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteRelayStore(path: directory.appendingPathComponent("relay.sqlite").path)
        let log = CapturedLog()
        let clock = TestClock()
        let blobs = try FileBlobContentStore(directory: directory)
        let relay = Relay(
            store: store, blobContent: blobs, now: { clock.now() }, logger: Logger(label: "relay") { _ in CapturedLog.Handler(log: log) })
        let marker = "MARKER-\(UUID().uuidString)"
        @Sendable func payload(_ n: Int) -> Data {
            MLSMessageBuilder.privateMessage(group: "g", epoch: UInt64(n), contentType: 1, body: String(repeating: marker, count: 8))
        }

        try await Application(router: relay.makeRouter(), logger: Logger(label: "app") { _ in CapturedLog.Handler(log: log) }).test(.router) { raw in
            let client = RelayTestClient(client: raw, clock: clock)
            let alice = try await client.register()
            let bob = try await client.register()
            let doomed = try await client.register()
            let bobToken = try await client.rotateToken(bob)
            let doomedToken = try await client.rotateToken(doomed)

            // 1. Sent, fetched over HTTP and acknowledged.
            for n in 0..<20 { #expect(try await client.sealed(payload(n), to: [(bob, bobToken)]).status == .created) }
            _ = try await client.send(
                .post, "/v1/messages/requests", json: RequestSendRequest(recipients: [bob.deviceID], payload: payload(99)), as: alice)
            let inbox = try await client.mailbox(bob)
            let requests = try await client.mailbox(bob, queue: "requests")
            #expect(inbox.count == 20 && requests.count == 1)
            #expect(inbox.allSatisfy { $0.payload.range(of: Data(marker.utf8)) != nil })
            _ = try await client.send(.post, "/v1/mailbox/ack", json: AckRequest(ids: inbox.map(\.id)), as: bob)
            #expect(try await client.send(.post, "/v1/requests/\(requests[0].id)/ignore", as: bob).status == .noContent)

            // Blobs: one uploaded, downloaded and deleted; one left to its owner's account deletion;
            // one upload never completed.
            let blob = Data(String(repeating: marker, count: 64).utf8)
            let kept = try await BlobRouteTests.upload(blob, as: alice, client: client)
            #expect(try await client.send(.get, "/v1/blobs/\(kept)", as: bob).body.readableBytes == blob.count)
            #expect(try await client.send(.delete, "/v1/blobs/\(kept)", as: alice).status == .noContent)
            _ = try await BlobRouteTests.upload(blob + Data("2".utf8), as: doomed, client: client)
            _ = try await BlobRouteTests.upload(blob + Data("3".utf8), as: doomed, client: client, complete: false)

            // 2. Never fetched: expires.
            for n in 100..<105 { _ = try await client.sealed(payload(n), to: [(bob, bobToken)]) }
            // 3. Queued for an account that is then deleted.
            for n in 200..<205 { _ = try await client.sealed(payload(n), to: [(doomed, doomedToken)]) }
            #expect(try await client.send(.delete, "/v1/account", as: doomed).status == .noContent)

            clock.advance(by: 31 * 86_400)
            let sweeper = relay.makeExpiryService(afterSweep: { try await store.checkpoint() })
            #expect(try await sweeper.sweep() == 5)
            #expect(try await client.mailbox(bob) == [])
        }

        // The raw marker, and the base64 form a payload takes inside a JSON request body.
        let needles = [Data(marker.utf8), Data(payload(0).base64EncodedString().utf8)]
        var scanned = 0
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let bytes = try Data(contentsOf: file)
            scanned += bytes.count
            for needle in needles { #expect(bytes.range(of: needle) == nil, "marker left in \(file.lastPathComponent)") }
        }
        #expect(scanned > 0)
        #expect(!log.all.isEmpty)
        for line in log.all {
            #expect(!line.contains(marker) && !line.contains(String(decoding: needles[1], as: UTF8.self)), "marker in a log line")
        }
    }
}
