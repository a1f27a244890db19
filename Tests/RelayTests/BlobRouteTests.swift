import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Relay
import Synchronization
import RelayAPI
import RelayStorage
import Testing

/// The encrypted blob store: resumable chunked uploads, content addressing, ranges, quota.
@Suite struct BlobRouteTests {
    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// Uploads `bytes` in chunks of `chunk`; returns the blob id (or the upload id if not completed).
    static func upload(_ bytes: Data, as device: TestDevice, client: RelayTestClient, chunk: Int = 4000, complete: Bool = true) async throws -> String
    {
        let created = try await client.send(
            .post, "/v1/blobs/uploads", json: BlobUploadRequest(size: Int64(bytes.count), sha256: hex(bytes)), as: device)
        #expect(created.status == .created, "\(created.errorCode ?? "")")
        let upload = try created.decode(BlobUploadResponse.self)
        var offset = 0
        while offset < bytes.count {
            let piece = bytes[offset..<min(offset + chunk, bytes.count)]
            let response = try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=\(offset)", body: Data(piece), as: device)
            #expect(response.status == .ok)
            offset += piece.count
        }
        guard complete else { return upload.uploadID }
        let done = try await client.send(.post, "/v1/blobs/uploads/\(upload.uploadID)/complete", as: device)
        #expect(done.status == .created)
        return try done.decode(BlobResponse.self).blobID
    }

    func withBlobs(_ configuration: Relay.Configuration = Relay.Configuration(), _ body: @Sendable (RelayTestClient) async throws -> Void)
        async throws
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await RelayHarness(configuration: configuration, blobContent: try FileBlobContentStore(directory: directory)).withClient(body)
    }

    @Test func resumableUploadAndRangeDownload() async throws {
        try await withBlobs { client in
            let alice = try await client.register()
            let bob = try await client.register()
            let bytes = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let created = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 10_000, sha256: Self.hex(bytes)), as: alice)
            let upload = try created.decode(BlobUploadResponse.self)
            let first = try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=0", body: bytes[0..<4000], as: alice)
            #expect(try first.decode(BlobUploadResponse.self).offset == 4000)
            // A part ahead of the offset is written but leaves the offset where it was (several
            // parts in flight); a repeated part below the offset and a part past the end: refused.
            let ahead = try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=5000", body: bytes[5000..<6000], as: alice)
            #expect(try ahead.decode(BlobUploadResponse.self).offset == 4000)
            #expect(
                try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=0", body: bytes[0..<4000], as: alice).errorCode
                    == "upload_offset_mismatch")
            #expect(
                try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=4000", body: Data(count: 7000), as: alice).errorCode
                    == "malformed_request")
            #expect(
                try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=4000", body: bytes[4000..<8000], as: bob).status
                    == .notFound, "not bob's upload")
            // Resume: ask where it stands, continue from there.
            let state = try await client.send(.get, "/v1/blobs/uploads/\(upload.uploadID)", as: alice).decode(BlobUploadResponse.self)
            #expect(state.offset == 4000)
            _ = try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=4000", body: bytes[4000...], as: alice)
            let done = try await client.send(.post, "/v1/blobs/uploads/\(upload.uploadID)/complete", as: alice)
            #expect(
                try done.decode(BlobResponse.self) == BlobResponse(blobID: Self.hex(bytes), size: 10_000),
                "content-addressed by the ciphertext's SHA-256")

            let id = Self.hex(bytes)
            let whole = try await client.send(.get, "/v1/blobs/\(id)", as: bob)
            #expect(whole.status == .ok && Data(whole.body.readableBytesView) == bytes)
            let ranged = try await client.send(.get, "/v1/blobs/\(id)", as: bob) { headers, _ in headers[.range] = "bytes=100-199" }
            #expect(ranged.status == .partialContent && Data(ranged.body.readableBytesView) == bytes[100..<200])
            #expect(ranged.headers[.contentRange] == "bytes 100-199/10000")
            let suffix = try await client.send(.get, "/v1/blobs/\(id)", as: bob) { headers, _ in headers[.range] = "bytes=-10" }
            #expect(Data(suffix.body.readableBytesView) == bytes.suffix(10))
            let open = try await client.send(.get, "/v1/blobs/\(id)", as: bob) { headers, _ in headers[.range] = "bytes=9990-" }
            #expect(Data(open.body.readableBytesView) == bytes.suffix(10))
            for bad in ["bytes=10000-", "bytes=5-2", "items=0-1", "bytes=abc"] {
                let response = try await client.send(.get, "/v1/blobs/\(id)", as: bob) { headers, _ in headers[.range] = bad }
                #expect(response.status == .rangeNotSatisfiable && response.errorCode == "range_not_satisfiable", "\(bad)")
            }
            #expect(try await client.send(.get, "/v1/blobs/\(id)", as: nil).errorCode == "unauthenticated")
            #expect(try await client.send(.get, "/v1/blobs/\(String(repeating: "0", count: 64))", as: bob).status == .notFound)
            #expect(try await client.send(.get, "/v1/blobs/..%2F..%2Fetc%2Fpasswd", as: bob).status == .notFound)

            #expect(try await client.send(.delete, "/v1/blobs/\(id)", as: bob).status == .notFound, "only the owner deletes")
            #expect(try await client.send(.delete, "/v1/blobs/\(id)", as: alice).status == .noContent)
            #expect(try await client.send(.get, "/v1/blobs/\(id)", as: bob).status == .notFound)
        }
    }

    /// Several parts in flight: parts may land anywhere in the window after the upload's
    /// offset, in any order; the offset advances over them once they join it; the window, the
    /// number of waiting parts and completion before the end are enforced; a retried part is
    /// accepted; a relay restart forgets the waiting parts, and the client resumes from the
    /// stored offset.
    @Test func partsArriveInAnyOrderWithinTheWindow() async throws {
        var configuration = Relay.Configuration()
        configuration.uploadWindow = 3000
        configuration.maximumWaitingParts = 2
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = InMemoryRelayStore()
        let content = try FileBlobContentStore(directory: directory)
        let bytes = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) })
        let alice = CarriedState()
        let upload = CarriedState()
        try await RelayHarness(configuration: configuration, store: store, blobContent: content).withClient { client in
            alice.device = try await client.register()
            let device = try #require(alice.device)
            let created = try await client.send(
                .post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 10_000, sha256: Self.hex(bytes)), as: device)
            let id = try created.decode(BlobUploadResponse.self).uploadID
            upload.text = id
            func put(_ range: Range<Int>) async throws -> TestResponse {
                try await client.send(.put, "/v1/blobs/uploads/\(id)?offset=\(range.lowerBound)", body: bytes[range], as: device)
            }
            #expect(try await put(2000..<3000).decode(BlobUploadResponse.self).offset == 0)
            #expect(try await put(1000..<2000).decode(BlobUploadResponse.self).offset == 0)
            #expect(try await put(1000..<2000).status == .ok, "the same part again (a retry) is accepted")
            #expect(try await put(3000..<3500).errorCode == "upload_offset_mismatch", "past the window (offset 0 + 3000)")
            #expect(try await put(500..<1000).errorCode == "upload_offset_mismatch", "a third waiting part")
            let early = try await client.send(.post, "/v1/blobs/uploads/\(id)/complete", as: device)
            #expect(early.errorCode == "upload_offset_mismatch", "completing before the end")
            #expect(try await client.send(.get, "/v1/blobs/uploads/\(id)", as: device).status == .ok, "and the upload stays")
            #expect(try await put(0..<1000).decode(BlobUploadResponse.self).offset == 3000, "the offset joins the waiting parts")
            #expect(try await put(5000..<6000).decode(BlobUploadResponse.self).offset == 3000)
        }
        // A restart: the waiting part (5000..<6000) is on disk but forgotten; the stored offset stands.
        try await RelayHarness(configuration: configuration, store: store, blobContent: content).withClient { client in
            let device = try #require(alice.device)
            let id = try #require(upload.text)
            let state = try await client.send(.get, "/v1/blobs/uploads/\(id)", as: device).decode(BlobUploadResponse.self)
            #expect(state.offset == 3000)
            func put(_ range: Range<Int>) async throws -> TestResponse {
                try await client.send(.put, "/v1/blobs/uploads/\(id)?offset=\(range.lowerBound)", body: bytes[range], as: device)
            }
            #expect(try await put(4000..<6000).decode(BlobUploadResponse.self).offset == 3000)
            #expect(try await put(3000..<4000).decode(BlobUploadResponse.self).offset == 6000)
            #expect(try await put(8000..<10_000).decode(BlobUploadResponse.self).offset == 6000)
            #expect(try await put(6000..<8000).decode(BlobUploadResponse.self).offset == 10_000)
            let done = try await client.send(.post, "/v1/blobs/uploads/\(id)/complete", as: device)
            #expect(try done.decode(BlobResponse.self) == BlobResponse(blobID: Self.hex(bytes), size: 10_000))
            let whole = try await client.send(.get, "/v1/blobs/\(Self.hex(bytes))", as: device)
            #expect(Data(whole.body.readableBytesView) == bytes)
        }
    }

    @Test func hashMismatchQuotaAndBadInput() async throws {
        var configuration = Relay.Configuration()
        configuration.blobQuota = 15_000
        configuration.maximumBlobSize = 12_000
        try await withBlobs(configuration) { client in
            let alice = try await client.register()
            let bytes = Data(repeating: 1, count: 10_000)
            let created = try await client.send(
                .post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 10_000, sha256: Self.hex(Data("other".utf8))), as: alice)
            let upload = try created.decode(BlobUploadResponse.self)
            _ = try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=0", body: bytes, as: alice)
            let mismatch = try await client.send(.post, "/v1/blobs/uploads/\(upload.uploadID)/complete", as: alice)
            #expect(mismatch.errorCode == "blob_hash_mismatch")
            #expect(
                try await client.send(.get, "/v1/blobs/uploads/\(upload.uploadID)", as: alice).status == .notFound, "a failed upload is discarded")

            _ = try await Self.upload(bytes, as: alice, client: client)
            let over = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 5_001, sha256: Self.hex(bytes)), as: alice)
            #expect(over.errorCode == "quota_exceeded")
            let tooBig = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 12_001, sha256: Self.hex(bytes)), as: alice)
            #expect(tooBig.errorCode == "malformed_request")
            let badHash = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 1, sha256: "XYZ"), as: alice)
            #expect(badHash.errorCode == "malformed_request")
            #expect(try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=zero", body: Data([1]), as: alice).status == .notFound)
        }
    }

    /// Review M3: downloads stream from the file in bounded chunks. A blob larger than the old
    /// range cap (16 MiB) downloads whole and by range, and the body the route returns writes
    /// it in chunks of at most `downloadChunkSize`, each read only after the previous one was
    /// written, so the relay holds one chunk per download whatever the blob's size.
    @Test func largeDownloadsStreamInBoundedChunks() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = try FileBlobContentStore(directory: directory)
        let size = 24 << 20
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<size / 8).flatMap { _ in withUnsafeBytes(of: generator.next(), Array.init) })
        let id = Self.hex(bytes)
        try await RelayHarness(blobContent: content).withClient { client in
            let alice = try await client.register()
            #expect(try await Self.upload(bytes, as: alice, client: client, chunk: 4 << 20) == id)
            let whole = try await client.send(.get, "/v1/blobs/\(id)", as: alice)
            #expect(whole.status == .ok)
            #expect(whole.headers[.contentLength] == String(size))
            #expect(Data(whole.body.readableBytesView) == bytes)
            let ranged = try await client.send(.get, "/v1/blobs/\(id)", as: alice) { headers, _ in headers[.range] = "bytes=1000-20000999" }
            #expect(ranged.status == .partialContent)
            #expect(ranged.headers[.contentRange] == "bytes 1000-20000999/\(size)")
            #expect(Data(ranged.body.readableBytesView) == bytes[1000..<20_001_000])
        }

        let writes = WriteLog()
        let body = Relay.streamedBody(content, blob: id, range: 0..<Int64(size))
        #expect(body.contentLength == size)
        try await body.write(RecordingBodyWriter(log: writes))
        let sizes = writes.sizes
        #expect(writes.finished)
        #expect(sizes.reduce(0, +) == size)
        #expect(sizes.allSatisfy { $0 <= Relay.downloadChunkSize }, "largest write: \(sizes.max() ?? 0) bytes")
        #expect(sizes.count == size / Relay.downloadChunkSize)
        #expect(writes.bytes == bytes)

        // A blob gone before the body is written ends the body with an error, not a short 200.
        try await content.erase(blob: id)
        await #expect(throws: (any Error).self) {
            try await Relay.streamedBody(content, blob: id, range: 0..<Int64(size)).write(RecordingBodyWriter(log: WriteLog()))
        }
    }
}

/// What a response body wrote, buffer by buffer.
final class WriteLog: Sendable {
    private let state = Mutex<(sizes: [Int], bytes: Data, finished: Bool)>(([], Data(), false))
    func append(_ buffer: ByteBuffer) { state.withLock { $0.sizes.append(buffer.readableBytes); $0.bytes += buffer.readableBytesView } }
    func finish() { state.withLock { $0.finished = true } }
    var sizes: [Int] { state.withLock { $0.sizes } }
    var bytes: Data { state.withLock { $0.bytes } }
    var finished: Bool { state.withLock { $0.finished } }
}

/// A `ResponseBodyWriter` that records each buffer instead of sending it.
struct RecordingBodyWriter: ResponseBodyWriter {
    let log: WriteLog
    mutating func write(_ buffer: ByteBuffer) async throws { log.append(buffer) }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws { log.finish() }
}

/// Carries values from one harness's closure to the next (the closures are `@Sendable`).
final class CarriedState: @unchecked Sendable {
    var device: TestDevice?
    var text: String?
}
