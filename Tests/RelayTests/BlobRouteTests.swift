import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Relay
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
}
