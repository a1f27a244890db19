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

/// The encrypted blob store: resumable uploads in 4 MiB parts, per-part content addressing
/// (``BlobAddress``), ranges, quota.
@Suite struct BlobRouteTests {
    static let part = BlobAddress.partSize

    /// The content address of `data` (lowercase hex).
    static func hex(_ data: Data) -> String {
        var hasher = BlobAddress.Hasher(size: Int64(data.count))
        hasher.update(data: data)
        return BlobAddress.hex(hasher.finalize()!)
    }

    static func complete(_ id: String, _ bytes: Data, as device: TestDevice?, client: RelayTestClient) async throws -> TestResponse {
        try await client.send(.post, "/v1/blobs/uploads/\(id)/complete", json: BlobCompleteRequest(blobID: hex(bytes)), as: device)
    }

    /// Uploads `bytes` in parts; returns the blob id (or the upload id if not completed).
    static func upload(_ bytes: Data, as device: TestDevice, client: RelayTestClient, complete: Bool = true) async throws -> String {
        let created = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: Int64(bytes.count)), as: device)
        #expect(created.status == .created, "\(created.errorCode ?? "")")
        let upload = try created.decode(BlobUploadResponse.self)
        var offset = 0
        while offset < bytes.count {
            let piece = bytes[offset..<min(offset + part, bytes.count)]
            let response = try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=\(offset)", body: Data(piece), as: device)
            #expect(response.status == .ok, "\(response.errorCode ?? "")")
            offset += piece.count
        }
        guard complete else { return upload.uploadID }
        let done = try await Self.complete(upload.uploadID, bytes, as: device, client: client)
        #expect(done.status == .created)
        return try done.decode(BlobResponse.self).blobID
    }

    static func bytes(_ count: Int, _ seed: UInt8) -> Data {
        var data = Data(count: count)
        data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            for index in 0..<count { buffer[index] = UInt8(truncatingIfNeeded: index &* 7 &+ Int(seed) &+ index >> 13) }
        }
        return data
    }

    func withBlobs(_ configuration: Relay.Configuration = Relay.Configuration(), _ body: @Sendable (RelayTestClient) async throws -> Void)
        async throws
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await RelayHarness(configuration: configuration, blobContent: try FileBlobContentStore(directory: directory)).withClient(body)
    }

    @Test func addressSeparatesDomainsSizesAndParts() throws {
        let data = Self.bytes(Self.part + 10, 1)
        let address = Self.hex(data)
        #expect(address != SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined(), "never a version 1 id")
        // The same bytes hashed by parts, by whole-part digests, and in odd pieces agree.
        var byParts = BlobAddress.Hasher(size: Int64(data.count))
        byParts.append(part: SHA256.hash(data: data.prefix(Self.part)), count: Self.part)
        byParts.append(part: SHA256.hash(data: data.dropFirst(Self.part)), count: 10)
        #expect(BlobAddress.hex(try #require(byParts.finalize())) == address)
        var pieces = BlobAddress.Hasher(size: Int64(data.count))
        var offset = 0
        while offset < data.count {
            let next = min(data.count, offset + 777_777)
            pieces.update(data: data[offset..<next])
            offset = next
        }
        #expect(BlobAddress.hex(try #require(pieces.finalize())) == address)
        var short = BlobAddress.Hasher(size: Int64(data.count) + 1)
        short.update(data: data)
        #expect(short.finalize() == nil, "fewer bytes than declared give no address")
        // A part hash appended as if it were its own blob: another address.
        #expect(Self.hex(Data(SHA256.hash(data: data.prefix(Self.part)))) != address)
        // The known answer of the empty blob and of one byte, from the definition.
        var empty = Data("letterlock-blob-v2".utf8)
        empty.append(contentsOf: [22, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.hex(Data()) == SHA256.hash(data: empty).map { String(format: "%02x", $0) }.joined())
        var one = Data("letterlock-blob-v2".utf8)
        one.append(contentsOf: [22, 0, 0, 0, 0, 0, 0, 0, 1])
        one.append(contentsOf: SHA256.hash(data: Data([0x61])))
        #expect(Self.hex(Data([0x61])) == SHA256.hash(data: one).map { String(format: "%02x", $0) }.joined())
    }

    @Test func resumableUploadAndRangeDownload() async throws {
        var configuration = Relay.Configuration()
        configuration.maximumWaitingParts = 2  // a sync (and an offset advance) after every part
        try await withBlobs(configuration) { client in
            let alice = try await client.register()
            let bob = try await client.register()
            let size = 2 * Self.part + 10_000
            let bytes = Self.bytes(size, 3)
            let created = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: Int64(size)), as: alice)
            let upload = try created.decode(BlobUploadResponse.self)
            func put(_ offset: Int, _ body: Data, as device: TestDevice? = nil) async throws -> TestResponse {
                try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=\(offset)", body: body, as: device ?? alice)
            }
            let p = Self.part
            #expect(try await put(0, bytes[0..<p]).decode(BlobUploadResponse.self).offset == Int64(p))
            // A part ahead of the offset is written but leaves the offset where it was (several
            // parts in flight); a repeated part below the offset, a part off a part boundary or
            // of the wrong length: refused.
            #expect(try await put(2 * p, bytes[(2 * p)...]).decode(BlobUploadResponse.self).offset == Int64(p))
            #expect(try await put(0, bytes[0..<p]).errorCode == "upload_offset_mismatch")
            #expect(try await put(p + 1, bytes[(p + 1)..<(2 * p)]).errorCode == "malformed_request", "not at a part boundary")
            #expect(try await put(p, bytes[p..<(2 * p - 1)]).errorCode == "malformed_request", "a short part that is not the last")
            #expect(try await put(2 * p, bytes[(2 * p)..<(2 * p + 9_000)]).errorCode == "malformed_request", "a short last part")
            #expect(try await put(p, bytes[p..<(2 * p)], as: bob).status == .notFound, "not bob's upload")
            // Resume: ask where it stands, continue from there.
            let state = try await client.send(.get, "/v1/blobs/uploads/\(upload.uploadID)", as: alice).decode(BlobUploadResponse.self)
            #expect(state.offset == Int64(p))
            #expect(try await put(p, bytes[p..<(2 * p)]).decode(BlobUploadResponse.self).offset == Int64(size))
            #expect(
                try await client.send(.post, "/v1/blobs/uploads/\(upload.uploadID)/complete", json: BlobCompleteRequest(blobID: "XYZ"), as: alice)
                    .errorCode == "malformed_request")
            let done = try await Self.complete(upload.uploadID, bytes, as: alice, client: client)
            #expect(
                try done.decode(BlobResponse.self) == BlobResponse(blobID: Self.hex(bytes), size: Int64(size)),
                "content-addressed by the ciphertext's part hashes")

            let id = Self.hex(bytes)
            let whole = try await client.send(.get, "/v1/blobs/\(id)", as: bob)
            #expect(whole.status == .ok && Data(whole.body.readableBytesView) == bytes)
            let ranged = try await client.send(.get, "/v1/blobs/\(id)", as: bob) { headers, _ in headers[.range] = "bytes=100-199" }
            #expect(ranged.status == .partialContent && Data(ranged.body.readableBytesView) == bytes[100..<200])
            #expect(ranged.headers[.contentRange] == "bytes 100-199/\(size)")
            let suffix = try await client.send(.get, "/v1/blobs/\(id)", as: bob) { headers, _ in headers[.range] = "bytes=-10" }
            #expect(Data(suffix.body.readableBytesView) == bytes.suffix(10))
            let open = try await client.send(.get, "/v1/blobs/\(id)", as: bob) { headers, _ in headers[.range] = "bytes=\(size - 10)-" }
            #expect(Data(open.body.readableBytesView) == bytes.suffix(10))
            for bad in ["bytes=\(size)-", "bytes=5-2", "items=0-1", "bytes=abc"] {
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

    /// Parts are received without an fsync each: the stored offset (the relay's promise that the
    /// bytes before it are on disk) moves only once a sync covers them, every half window of
    /// contiguous parts and at the end.
    @Test func theOffsetMovesOnlyPastSynchronizedParts() async throws {
        var configuration = Relay.Configuration()
        configuration.uploadWindow = 4 * Int64(Self.part)  // syncs every 2 parts
        try await withBlobs(configuration) { client in
            let alice = try await client.register()
            let size = 3 * Self.part + 5
            let bytes = Self.bytes(size, 9)
            let upload = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: Int64(size)), as: alice)
                .decode(BlobUploadResponse.self)
            var answers: [Int64] = []
            for index in 0..<4 {
                let range = (index * Self.part)..<min(size, (index + 1) * Self.part)
                let response = try await client.send(
                    .put, "/v1/blobs/uploads/\(upload.uploadID)?offset=\(range.lowerBound)", body: bytes[range], as: alice)
                answers.append(try response.decode(BlobUploadResponse.self).offset)
            }
            let p = Int64(Self.part)
            #expect(answers == [0, 2 * p, 2 * p, Int64(size)])
            #expect(try await Self.complete(upload.uploadID, bytes, as: alice, client: client).status == .created)
        }
    }

    /// Several parts in flight: parts may land anywhere in the window after the upload's
    /// offset, in any order; the offset advances over them once they join it; the window, the
    /// number of waiting parts and completion before the end are enforced; a retried part is
    /// accepted; a relay restart forgets the waiting parts (and the running address: completion
    /// then hashes the file's parts), and the client resumes from the stored offset.
    @Test func partsArriveInAnyOrderWithinTheWindow() async throws {
        var configuration = Relay.Configuration()
        configuration.uploadWindow = 4 * Int64(Self.part)
        configuration.maximumWaitingParts = 2
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = InMemoryRelayStore()
        let content = try FileBlobContentStore(directory: directory)
        let size = 5 * Self.part + 1000
        let bytes = Self.bytes(size, 13)
        let p = Int64(Self.part)
        let alice = CarriedState()
        let upload = CarriedState()
        @Sendable func range(_ index: Int) -> Range<Int> { (index * Self.part)..<min(size, (index + 1) * Self.part) }
        try await RelayHarness(configuration: configuration, store: store, blobContent: content).withClient { client in
            alice.device = try await client.register()
            let device = try #require(alice.device)
            let created = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: Int64(size)), as: device)
            let id = try created.decode(BlobUploadResponse.self).uploadID
            upload.text = id
            func put(_ index: Int) async throws -> TestResponse {
                try await client.send(.put, "/v1/blobs/uploads/\(id)?offset=\(range(index).lowerBound)", body: bytes[range(index)], as: device)
            }
            #expect(try await put(2).decode(BlobUploadResponse.self).offset == 0)
            #expect(try await put(1).decode(BlobUploadResponse.self).offset == 0)
            #expect(try await put(1).status == .ok, "the same part again (a retry) is accepted")
            #expect(try await put(4).errorCode == "upload_offset_mismatch", "past the window (offset 0 + 4 parts)")
            #expect(try await put(3).errorCode == "upload_offset_mismatch", "a third waiting part")
            let early = try await Self.complete(id, bytes, as: device, client: client)
            #expect(early.errorCode == "upload_offset_mismatch", "completing before the end")
            #expect(try await client.send(.get, "/v1/blobs/uploads/\(id)", as: device).status == .ok, "and the upload stays")
            #expect(try await put(0).decode(BlobUploadResponse.self).offset == 3 * p, "the offset joins the waiting parts")
            #expect(try await put(5).decode(BlobUploadResponse.self).offset == 3 * p)
        }
        // A restart: the waiting part 5 is on disk but forgotten; the stored offset stands.
        try await RelayHarness(configuration: configuration, store: store, blobContent: content).withClient { client in
            let device = try #require(alice.device)
            let id = try #require(upload.text)
            let state = try await client.send(.get, "/v1/blobs/uploads/\(id)", as: device).decode(BlobUploadResponse.self)
            #expect(state.offset == 3 * p)
            func put(_ index: Int) async throws -> TestResponse {
                try await client.send(.put, "/v1/blobs/uploads/\(id)?offset=\(range(index).lowerBound)", body: bytes[range(index)], as: device)
            }
            #expect(try await put(4).decode(BlobUploadResponse.self).offset == 3 * p)
            #expect(try await put(3).decode(BlobUploadResponse.self).offset == 5 * p)
            #expect(try await put(5).decode(BlobUploadResponse.self).offset == Int64(size))
            let done = try await Self.complete(id, bytes, as: device, client: client)
            #expect(try done.decode(BlobResponse.self) == BlobResponse(blobID: Self.hex(bytes), size: Int64(size)))
            let whole = try await client.send(.get, "/v1/blobs/\(Self.hex(bytes))", as: device)
            #expect(Data(whole.body.readableBytesView) == bytes)
        }
    }

    /// A version 1 request (a whole-blob SHA-256 up front) is refused by name.
    struct VersionOneUploadRequest: Encodable {
        let size: Int64
        let sha256: String
    }

    @Test func hashMismatchQuotaAndBadInput() async throws {
        var configuration = Relay.Configuration()
        configuration.blobQuota = 15_000
        configuration.maximumBlobSize = 12_000
        try await withBlobs(configuration) { client in
            let alice = try await client.register()
            let bytes = Data(repeating: 1, count: 10_000)
            let created = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 10_000), as: alice)
            let upload = try created.decode(BlobUploadResponse.self)
            _ = try await client.send(.put, "/v1/blobs/uploads/\(upload.uploadID)?offset=0", body: bytes, as: alice)
            let mismatch = try await Self.complete(upload.uploadID, Data(repeating: 2, count: 10_000), as: alice, client: client)
            #expect(mismatch.errorCode == "blob_hash_mismatch")
            #expect(
                try await client.send(.get, "/v1/blobs/uploads/\(upload.uploadID)", as: alice).status == .notFound, "a failed upload is discarded")

            _ = try await Self.upload(bytes, as: alice, client: client)
            let over = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 5_001), as: alice)
            #expect(over.errorCode == "quota_exceeded")
            let tooBig = try await client.send(.post, "/v1/blobs/uploads", json: BlobUploadRequest(size: 12_001), as: alice)
            #expect(tooBig.errorCode == "malformed_request")
            let versionOne = try await client.send(
                .post, "/v1/blobs/uploads", json: VersionOneUploadRequest(size: 1, sha256: String(repeating: "a", count: 64)), as: alice)
            #expect(versionOne.errorCode == "unsupported_blob_addressing")
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
            #expect(try await Self.upload(bytes, as: alice, client: client) == id)
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
