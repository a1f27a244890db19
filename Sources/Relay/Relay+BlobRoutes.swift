import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelayAPI
import RelayStorage

extension Relay {
    /// The encrypted blob store: chunked, resumable uploads of ciphertext, content-addressed by
    /// its SHA-256, range downloads, a per-account quota, expiry.
    func addBlobRoutes(to router: Router<RelayRequestContext>, content: any BlobContentStore) {
        router.post("/v1/blobs/uploads") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: self.configuration.maximumSmallBodySize)
            let body = try self.decode(BlobUploadRequest.self, from: auth.body)
            guard (0...self.configuration.maximumBlobSize).contains(body.size), body.sha256.utf8.count == 64, FileBlobContentStore.isID(body.sha256)
            else { throw RelayError.malformedRequest }
            try self.freeSpace.check()
            var generator = SystemRandomNumberGenerator()
            let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            let upload = BlobUpload(
                id: id, owner: auth.device.accountID, size: body.size, sha256: body.sha256,
                expiresAt: self.now().addingTimeInterval(self.configuration.uploadLifetime)
            )
            try await self.storage { try await self.store.createUpload(upload, quota: self.configuration.blobQuota) }
            try await content.write(upload: id, at: 0, Data())
            return try self.json(BlobUploadResponse(uploadID: id, offset: 0, size: body.size), status: .created)
        }
        router.get("/v1/blobs/uploads/:uploadID") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let upload = try await self.ownedUpload(try context.parameters.require("uploadID"), auth)
            return try self.json(BlobUploadResponse(uploadID: upload.id, offset: upload.offset, size: upload.size))
        }
        router.put("/v1/blobs/uploads/:uploadID") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: self.configuration.maximumChunkSize)
            let upload = try await self.ownedUpload(try context.parameters.require("uploadID"), auth)
            guard let text = request.uri.queryParameters.get("offset"), let offset = Int64(text) else { throw RelayError.malformedRequest }
            let chunk = Data(auth.body.readableBytesView)
            guard offset >= upload.offset else { throw RelayError.uploadOffsetMismatch }
            guard offset <= upload.size - Int64(chunk.count) else { throw RelayError.malformedRequest }
            if chunk.isEmpty {
                guard offset == upload.offset else { throw RelayError.uploadOffsetMismatch }
                return try self.json(BlobUploadResponse(uploadID: upload.id, offset: upload.offset, size: upload.size))
            }
            try self.freeSpace.check()
            let stood = try await self.writePart(chunk, at: offset, of: upload, content: content)
            return try self.json(BlobUploadResponse(uploadID: upload.id, offset: stood, size: upload.size))
        }
        router.post("/v1/blobs/uploads/:uploadID/complete") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let upload = try await self.ownedUpload(try context.parameters.require("uploadID"), auth)
            // Parts may still be missing below the end (several in flight): not an error of the
            // content, so the upload stays for the client to finish.
            guard upload.offset == upload.size else { throw RelayError.uploadOffsetMismatch }
            // Hashed as the offset advanced (one pass over the bytes); after a restart, from the file.
            let running = await self.uploadParts.digest(upload: upload.id, size: upload.size)
            await self.uploadParts.forget(upload: upload.id)
            let digest: (sha256: String, size: Int64)
            if let running { digest = (running, upload.size) } else { digest = try await content.digest(upload: upload.id) }
            guard digest.size == upload.size, digest.sha256 == upload.sha256 else {
                // The declared hash is the content address: a mismatch discards the upload.
                try await self.store.deleteUpload(upload.id)
                try await content.erase(upload: upload.id)
                throw RelayError.blobHashMismatch
            }
            let now = self.now()
            // Promoting the file and recording the reference happen under the blob's lock, so
            // that a concurrent delete of the same blob by its last other owner, or the sweeper,
            // cannot erase the file between the two (review L5).
            try await self.blobLocks.withLock(upload.sha256) {
                try await content.promote(upload: upload.id, to: upload.sha256)
                try await self.storage {
                    try await self.store.completeUpload(
                        upload.id,
                        as: BlobRecord(
                            id: upload.sha256, owner: upload.owner, size: upload.size, createdAt: now,
                            expiresAt: now.addingTimeInterval(self.configuration.blobRetention)
                        )
                    )
                }
            }
            return try self.json(BlobResponse(blobID: upload.sha256, size: upload.size), status: .created)
        }
        router.get("/v1/blobs/:blobID") { request, context in
            var request = request
            _ = try await self.authenticate(&request, bodyLimit: 0)
            let id = try context.parameters.require("blobID")
            guard id.utf8.count == 64, FileBlobContentStore.isID(id), try await self.store.blobExists(id),
                let size = try await content.size(blob: id)
            else { throw RelayError.notFound }
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            headers[.acceptRanges] = "bytes"
            // Both answers stream the file in bounded chunks (review M3): memory per download is
            // one chunk, not the blob, so neither form needs a size cap.
            guard let rangeHeader = request.headers[.range] else {
                return Response(status: .ok, headers: headers, body: Self.streamedBody(content, blob: id, range: 0..<size))
            }
            guard let range = Self.byteRange(rangeHeader, size: size) else { throw RelayError.rangeNotSatisfiable }
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)"
            return Response(status: .partialContent, headers: headers, body: Self.streamedBody(content, blob: id, range: range))
        }
        router.delete("/v1/blobs/:blobID") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let id = try context.parameters.require("blobID")
            guard id.utf8.count == 64, FileBlobContentStore.isID(id), try await self.store.blob(id, owner: auth.device.accountID) != nil else {
                throw RelayError.notFound
            }
            try await self.blobLocks.withLock(id) {
                if try await !self.store.deleteBlob(id, owner: auth.device.accountID) { try await content.erase(blob: id) }
            }
            return Response(status: .noContent)
        }
    }

    /// Writes one part of an upload at `offset` (fsynced before anything records it), then moves
    /// the upload's stored offset over every part now contiguous with it. Returns where the
    /// upload stands: all bytes before it are on disk, the part itself may lie beyond it.
    ///
    /// A part may start anywhere in the window after the stored offset (``UploadParts``), so a
    /// client keeps several in flight; each is written at its place, never truncating what follows.
    func writePart(_ chunk: Data, at offset: Int64, of upload: BlobUpload, content: any BlobContentStore) async throws -> Int64 {
        let range = offset..<(offset + Int64(chunk.count))
        try await uploadParts.advancing.withLock(upload.id) {
            guard let current = try await self.store.upload(upload.id)?.offset else { throw RelayError.notFound }
            try await self.uploadParts.claim(
                range, upload: upload.id, offset: current, window: self.configuration.uploadWindow,
                limit: self.configuration.maximumWaitingParts, expiresAt: upload.expiresAt, now: self.now())
        }
        do {
            try await content.write(upload: upload.id, at: offset, chunk)
        } catch {
            await uploadParts.release(range, upload: upload.id)
            throw error
        }
        await uploadParts.written(range, upload: upload.id)
        return try await uploadParts.advancing.withLock(upload.id) {
            // Re-read: another part's advance may have moved the offset since this request began.
            guard let current = try await self.store.upload(upload.id)?.offset else { throw RelayError.notFound }
            let end = await self.uploadParts.contiguousEnd(upload: upload.id, from: current)
            if end > current {
                try await self.hashJoined(current..<end, of: upload.id, part: (offset, chunk), content: content)
                let moved: Bool
                do { moved = try await self.store.advanceUpload(upload.id, from: current, to: end) } catch {
                    await self.uploadParts.stopHashing(upload: upload.id)  // the hash ran ahead of the offset
                    throw error
                }
                guard moved else {
                    await self.uploadParts.stopHashing(upload: upload.id)
                    throw RelayError.uploadOffsetMismatch
                }
            }
            await self.uploadParts.advanced(upload: upload.id, to: end)
            return end
        }
    }

    /// Feeds the bytes the offset is about to pass over (`joined`) to the upload's running hash:
    /// the part just received if it is exactly those bytes, else a read of the file (parts that
    /// were written ahead, now in the page cache).
    private func hashJoined(_ joined: Range<Int64>, of upload: String, part: (offset: Int64, bytes: Data), content: any BlobContentStore)
        async throws
    {
        guard var (hasher, hashed) = await uploadParts.runningHash(upload: upload), hashed == joined.lowerBound else { return }
        if part.offset == joined.lowerBound, Int64(part.bytes.count) == joined.count {
            hasher.update(data: part.bytes)
        } else {
            while hashed < joined.upperBound {
                let piece = hashed..<min(joined.upperBound, hashed + Int64(configuration.maximumChunkSize))
                let bytes: Data?
                do { bytes = try await content.read(upload: upload, range: piece) } catch {
                    await uploadParts.stopHashing(upload: upload)
                    throw error
                }
                guard let bytes, Int64(bytes.count) == piece.count else {
                    await uploadParts.stopHashing(upload: upload)  // completion hashes the file instead
                    return
                }
                hasher.update(data: bytes)
                hashed = piece.upperBound
            }
        }
        await uploadParts.keepHash(hasher, covering: joined.upperBound, upload: upload)
    }

    /// Erases the blob's file if no account holds it any more, under the blob's lock.
    func eraseBlobIfUnreferenced(_ id: String, content: any BlobContentStore) async throws {
        try await blobLocks.withLock(id) {
            if try await !self.store.blobExists(id) { try await content.erase(blob: id) }
        }
    }

    /// Bytes read from the blob store per write to the socket.
    static let downloadChunkSize = 64 * 1024

    /// A response body that reads `range` of the blob one chunk at a time, each read waiting for
    /// the previous chunk's write (the socket's back-pressure), so a download holds at most one
    /// chunk in memory. A blob erased between the status line and the end of the body ends the
    /// connection early; the client sees a short body against `Content-Length`.
    static func streamedBody(_ content: any BlobContentStore, blob: String, range: Range<Int64>, chunkSize: Int = downloadChunkSize)
        -> ResponseBody
    {
        ResponseBody(contentLength: Int(range.count)) { writer in
            guard try await content.stream(blob: blob, range: range, chunkSize: chunkSize, to: { chunk in try await writer.write(ByteBuffer(bytes: chunk)) })
            else { throw RelayError.notFound }
            try await writer.finish(nil)
        }
    }

    private func ownedUpload(_ id: String, _ auth: AuthenticatedRequest) async throws -> BlobUpload {
        guard id.utf8.count == 32, FileBlobContentStore.isID(id), let upload = try await store.upload(id), upload.owner == auth.device.accountID
        else { throw RelayError.notFound }
        return upload
    }

    /// RFC 9110 §14.1.2 single byte range: `bytes=a-b`, `bytes=a-` or `bytes=-n`.
    static func byteRange(_ header: String, size: Int64) -> Range<Int64>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst("bytes=".count)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let suffix = Int64(parts[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)..<size
        }
        guard let start = Int64(parts[0]), start >= 0, start < size else { return nil }
        if parts[1].isEmpty { return start..<size }
        guard let end = Int64(parts[1]), end >= start else { return nil }
        return start..<(min(end, size - 1) + 1)
    }
}
