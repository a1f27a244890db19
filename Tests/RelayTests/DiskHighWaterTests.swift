import Dispatch
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
@testable import Relay
import RelayAPI
import RelayStorage
import Synchronization
import Testing

/// The global disk high-water mark (``FreeSpaceGuard``): below the configured free space, new
/// messages, uploads and upload parts are refused with `507 insufficient_storage`; what frees
/// space or needs none goes on; and everything is accepted again once space is back.
@Suite struct DiskHighWaterTests {
    /// A disk whose free space the test sets by hand.
    final class SimulatedDisk: Sendable {
        private let free = Mutex<Int64?>(8 << 30)
        private let probes = Atomic<Int>(0)
        func set(_ bytes: Int64?) { free.withLock { $0 = bytes } }
        var probeCount: Int { probes.load(ordering: .relaxed) }
        var probe: @Sendable () -> Int64? {
            { [self] in
                probes.add(1, ordering: .relaxed)
                return free.withLock { $0 }
            }
        }
    }

    @Test func belowTheMarkNewDataIsRefusedAndEverythingElseWorksUntilSpaceIsBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-disk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = Relay.Configuration()
        configuration.minimumFreeDiskBytes = 1 << 30
        configuration.freeDiskCheckInterval = .zero  // every request reads the simulated disk
        let disk = SimulatedDisk()
        let harness = RelayHarness(
            configuration: configuration, blobContent: try FileBlobContentStore(directory: directory), freeDiskBytes: disk.probe)
        try await harness.withClient { client in
            let alice = try await client.register()
            let bob = try await client.register()
            let carol = try await client.register()
            let bobToken = try await client.rotateToken(bob)
            #expect(try await client.send(.put, "/v1/blocks/\(carol.accountID)", as: bob).status == .noContent)
            let first = try await client.sealed(MLSMessageBuilder.welcome("before"), to: [(bob, bobToken)])
            #expect(first.status == .created)
            let blob = Data((0..<6_000).map { UInt8(truncatingIfNeeded: $0) })
            let blobID = try await BlobRouteTests.upload(blob, as: alice, client: client)
            let unfinished = Data(repeating: 9, count: 8_000)
            let uploadID = try await BlobRouteTests.upload(unfinished, as: alice, client: client, complete: false)
            let pending = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 4_000), as: alice)
            let pendingID = try pending.decode(BlobUploadResponse.self).uploadID

            disk.set((1 << 30) - 1)
            func refused(_ response: TestResponse, _ what: String) {
                #expect(
                    response.status.code == 507 && response.errorCode == "insufficient_storage",
                    "\(what): \(response.status) \(response.errorCode ?? "")")
            }
            refused(try await client.sealed(MLSMessageBuilder.welcome("during"), to: [(bob, bobToken)]), "sealed send")
            let request = RequestSendRequest(recipients: [bob.deviceID], payload: MLSMessageBuilder.welcome("hello"))
            refused(try await client.send(.post, "/v1/messages/requests", json: request, as: alice), "request")
            // Refused before the block is looked at: a blocked sender gets the same answer.
            refused(try await client.send(.post, "/v1/messages/requests", json: request, as: carol), "request from a blocked sender")
            refused(
                try await client.send(
                    .post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 10), as: alice),
                "new upload")
            refused(try await client.send(.put, "/v1/blobs/uploads/\(pendingID)?offset=0", body: unfinished.prefix(4_000), as: alice), "upload part")

            // Fetching, acknowledging, downloading, completing what is already written, deleting.
            let entries = try await client.mailbox(bob)
            #expect(entries.map(\.payload) == [MLSMessageBuilder.welcome("before")], "the refused send stored nothing")
            let ack = try await client.send(.post, "/v1/mailbox/ack", json: AckRequest(ids: entries.map(\.id)), as: bob)
            #expect(try ack.decode(AckResponse.self).acknowledged == 1)
            #expect(try await client.mailbox(bob, queue: "requests").isEmpty, "no request was stored")
            let download = try await client.send(.get, "/v1/blobs/\(blobID)", as: bob)
            #expect(download.status == .ok && Data(download.body.readableBytesView) == blob)
            #expect(try await client.send(.get, "/v1/blobs/uploads/\(uploadID)", as: alice).status == .ok)
            let completed = try await BlobRouteTests.complete(uploadID, unfinished, as: alice, client: client)
            #expect(completed.status == .created, "completing writes no new bytes")
            #expect(try await client.send(.delete, "/v1/blobs/\(blobID)", as: alice).status == .noContent)
            #expect(try await client.send(.get, "/v1/key-packages/counts", as: alice).status == .ok)

            // Space back: accepted again, on the very next request.
            disk.set(1 << 30)
            #expect(try await client.sealed(MLSMessageBuilder.welcome("after"), to: [(bob, bobToken)]).status == .created)
            #expect(try await client.send(.post, "/v1/messages/requests", json: request, as: alice).status == .created)
            let part = try await client.send(.put, "/v1/blobs/uploads/\(pendingID)?offset=0", body: unfinished.prefix(4_000), as: alice)
            #expect(try part.decode(BlobUploadResponse.self).offset == 4_000)
            #expect(try await client.mailbox(bob).map(\.payload) == [MLSMessageBuilder.welcome("after")])
            #expect(try await client.mailbox(bob, queue: "requests").count == 1)
        }
    }

    /// Below the mark a connected device is still pushed what is queued and its acks over the
    /// WebSocket still delete entries (they free space).
    @Test func belowTheMarkThePushWebSocketStillDeliversAndTakesAcks() async throws {
        var configuration = Relay.Configuration()
        configuration.freeDiskCheckInterval = .zero
        let disk = SimulatedDisk()
        let harness = RelayHarness(configuration: configuration, freeDiskBytes: disk.probe)
        try await WebSocketPushTests.liveApplication(harness).test(.live) { client in
            let http = RelayTestClient(client: client, clock: harness.clock)
            let bob = try await http.register()
            let token = try await http.rotateToken(bob)
            for i in 0..<3 { #expect(try await http.sealed(MLSMessageBuilder.welcome("queued-\(i)"), to: [(bob, token)]).status == .created) }
            disk.set(0)
            try await WebSocketPushTests.connect(client, as: bob) { outbound, received in
                try await received.wait("three entries") { $0.compactMap(\.entry).count == 3 }
                #expect(try await http.sealed(MLSMessageBuilder.welcome("refused"), to: [(bob, token)]).errorCode == "insufficient_storage")
                try await WebSocketPushTests.write(PushFrame(type: "ack", ids: received.entries.map(\.id)), on: outbound)
            }
            try await WebSocketPushTests().waitForDepth(harness.store, try #require(DeviceID(rawValue: bob.deviceID)), 0)
        }
    }

    @Test func aReadingIsTrustedForTheIntervalAndAFailedProbeRefusesNothing() {
        let disk = SimulatedDisk()
        let guarded = FreeSpaceGuard(minimum: 100, interval: .seconds(3600), probe: disk.probe, logger: Logger(label: "test"))
        disk.set(99)
        #expect(guarded.isLow)
        disk.set(1_000)
        #expect(guarded.isLow, "the reading is kept for the interval")
        #expect(disk.probeCount == 1, "one probe per interval, not one per request")

        let unknown = SimulatedDisk()
        unknown.set(nil)
        #expect(!FreeSpaceGuard(minimum: 100, interval: .zero, probe: unknown.probe, logger: Logger(label: "test")).isLow)
        let off = SimulatedDisk()
        off.set(0)
        #expect(!FreeSpaceGuard(minimum: 0, interval: .zero, probe: off.probe, logger: Logger(label: "test")).isLow, "0 turns it off")
        #expect(off.probeCount == 0)
    }

    /// The check is on the sealed-send path: while one caller takes a slow reading (a `statvfs`
    /// on a busy disk), the others go by the last verdict at once, and nobody reads twice.
    @Test func aSlowReadingHoldsUpNoOtherCaller() {
        final class GatedDisk: Sendable {
            let probes = Atomic<Int>(0)
            let entered = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let answered = DispatchSemaphore(value: 0)
            let verdict = Atomic<Int>(-1)
            var probe: @Sendable () -> Int64? {
                { [self] in
                    // The second reading blocks until the test releases it.
                    if probes.add(1, ordering: .relaxed).newValue == 2 {
                        entered.signal()
                        release.wait()
                    }
                    return 50
                }
            }
        }
        let disk = GatedDisk()
        let guarded = FreeSpaceGuard(minimum: 100, interval: .zero, probe: disk.probe, logger: Logger(label: "test"))
        #expect(guarded.isLow, "first reading: 50 bytes free")
        Thread { _ = guarded.isLow }.start()
        disk.entered.wait()
        Thread {
            disk.verdict.store(guarded.isLow ? 1 : 0, ordering: .relaxed)
            disk.answered.signal()
        }.start()
        let answeredAtOnce = disk.answered.wait(timeout: .now() + 5) == .success
        disk.release.signal()
        if !answeredAtOnce { disk.answered.wait() }
        #expect(answeredAtOnce, "a caller waited for another's reading")
        #expect(disk.verdict.load(ordering: .relaxed) == 1, "the last verdict")
        #expect(disk.probes.load(ordering: .relaxed) == 2, "one reading at a time")
    }

    @Test func theStatvfsProbeReadsTheDataDirectorysFilesystem() throws {
        let free = try #require(Relay.freeDiskBytes(of: FileManager.default.temporaryDirectory.path)())
        #expect(free > 0)
        #expect(Relay.freeDiskBytes(of: "/no/such/directory/\(UUID().uuidString)")() == nil)
    }
}
