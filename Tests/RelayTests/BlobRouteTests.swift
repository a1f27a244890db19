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
            // A chunk at the wrong offset, a repeated chunk, a chunk past the end: refused.
            #expect(
                try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=5000", body: bytes[5000..<6000], as: alice).errorCode
                    == "upload_offset_mismatch")
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
