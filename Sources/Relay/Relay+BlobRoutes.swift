import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelayAPI
import RelayStorage

extension Relay {
    /// The encrypted blob store: resumable uploads of ciphertext in 4 MiB parts, content-addressed
    /// by the hash of the parts' SHA-256s (``BlobAddress``), range downloads, a per-account
    /// quota, expiry.
    func addBlobRoutes(to router: Router<RelayRequestContext>, content: any BlobContentStore) {
        router.post("/v1/blobs/uploads") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: self.configuration.maximumSmallBodySize)
            let body = try self.decode(BlobUploadRequest.self, from: auth.body)
            // Version 1 clients declared a whole-blob SHA-256 here; its check needed a hash pass
            // of its own on each side, so only per-part addresses are taken now.
            guard body.addressing == BlobAddress.addressing else { throw RelayError.unsupportedBlobAddressing }
            guard (0...self.configuration.maximumBlobSize).contains(body.size) else { throw RelayError.malformedRequest }
            try self.freeSpace.check()
            var generator = SystemRandomNumberGenerator()
            let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            let upload = BlobUpload(
                id: id, owner: auth.device.accountID, size: body.size,
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
            let auth = try await self.authenticate(&request, bodyLimit: max(self.configuration.maximumChunkSize, BlobAddress.partSize))
            let upload = try await self.ownedUpload(try context.parameters.require("uploadID"), auth)
            guard let text = request.uri.queryParameters.get("offset"), let offset = Int64(text) else { throw RelayError.malformedRequest }
            let chunk = Data(auth.body.readableBytesView)
            guard offset >= upload.offset else { throw RelayError.uploadOffsetMismatch }
            if chunk.isEmpty {
                guard offset == upload.offset else { throw RelayError.uploadOffsetMismatch }
                return try self.json(BlobUploadResponse(uploadID: upload.id, offset: upload.offset, size: upload.size))
            }
            try self.freeSpace.check()
            // Parts are the content address's parts (whole, at their place), so the body hash
            // the signature covers is the part's hash in the address.
            guard offset < upload.size, offset % Int64(BlobAddress.partSize) == 0,
                Int64(chunk.count) == BlobAddress.partRange(offset / Int64(BlobAddress.partSize), size: upload.size).count
            else { throw RelayError.malformedRequest }
            let stood = try await self.writePart(chunk, digest: auth.bodySHA256, at: offset, of: upload, content: content)
            return try self.json(BlobUploadResponse(uploadID: upload.id, offset: stood, size: upload.size))
        }
        router.post("/v1/blobs/uploads/:uploadID/complete") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: self.configuration.maximumSmallBodySize)
            let upload = try await self.ownedUpload(try context.parameters.require("uploadID"), auth)
            let body = try self.decode(BlobCompleteRequest.self, from: auth.body)
            guard body.blobID.utf8.count == 64, FileBlobContentStore.isID(body.blobID) else { throw RelayError.malformedRequest }
            // Parts may still be missing below the end (several in flight): not an error of the
            // content, so the upload stays for the client to finish.
            guard upload.offset == upload.size else { throw RelayError.uploadOffsetMismatch }
            // Built from the part hashes taken as the offset advanced; after a restart, from the file.
            let running = await self.uploadParts.address(upload: upload.id)
            await self.uploadParts.forget(upload: upload.id)
            let address: String?
            if let running {
                address = running
            } else {
                let parts = try await content.partDigests(upload: upload.id, partSize: BlobAddress.partSize)
                var hasher = BlobAddress.PartsHasher(size: upload.size)
                for digest in parts.digests { hasher.append(part: digest) }
                address = parts.size == upload.size ? hasher.finalize().map(BlobAddress.hex) : nil
            }
            guard let address, address == body.blobID else {
                // The address covers every byte: a mismatch discards the upload.
                try await self.store.deleteUpload(upload.id)
                try await content.erase(upload: upload.id)
                throw RelayError.blobHashMismatch
            }
            let now = self.now()
            // Promoting the file and recording the reference happen under the blob's lock, so
            // that a concurrent delete of the same blob by its last other owner, or the sweeper,
            // cannot erase the file between the two (review L5).
            try await self.blobLocks.withLock(address) {
                try await content.promote(upload: upload.id, to: address)
                try await self.storage {
                    try await self.store.completeUpload(
                        upload.id,
                        as: BlobRecord(
                            id: address, owner: upload.owner, size: upload.size, createdAt: now,
                            expiresAt: now.addingTimeInterval(self.configuration.blobRetention)
                        )
                    )
                }
            }
            return try self.json(BlobResponse(blobID: address, size: upload.size), status: .created)
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

    /// Writes one part of an upload at `offset`, then, every ``uploadSyncBytes`` and at the end,
    /// makes the parts contiguous with the upload's stored offset durable (one fsync) and moves
    /// the offset over them. Returns where the upload stands: every byte before it is on disk;
    /// the part itself may lie beyond it, received but not yet promised.
    ///
    /// A part may start anywhere in the window after the stored offset (``UploadParts``), so a
    /// client keeps several in flight; each is written at its place, never truncating what
    /// follows. `digest` is the part's SHA-256 (the signature's body hash), kept until the offset
    /// passes the part, when it joins the content address.
    func writePart(_ chunk: Data, digest: SHA256.Digest, at offset: Int64, of upload: BlobUpload, content: any BlobContentStore) async throws
        -> Int64
    {
        let range = offset..<(offset + Int64(chunk.count))
        try await uploadParts.advancing.withLock(upload.id) {
            guard let current = try await self.store.upload(upload.id)?.offset else { throw RelayError.notFound }
            try await self.uploadParts.claim(
                range, upload: upload.id, size: upload.size, offset: current, window: self.configuration.uploadWindow,
                limit: self.configuration.maximumWaitingParts, expiresAt: upload.expiresAt, now: self.now())
        }
        do {
            try await content.write(upload: upload.id, at: offset, chunk)
        } catch {
            await uploadParts.release(range, upload: upload.id)
            throw error
        }
        await uploadParts.written(range, digest: digest, upload: upload.id)
        return try await uploadParts.advancing.withLock(upload.id) {
            // Re-read: another part's advance may have moved the offset since this request began.
            guard let current = try await self.store.upload(upload.id)?.offset else { throw RelayError.notFound }
            let (end, joined) = await self.uploadParts.chain(upload: upload.id, from: current)
            // One fsync for several parts: the offset (a promise that the bytes before it are
            // durable) moves only past synchronized bytes, so after a crash it claims nothing lost.
            guard end > current, end == upload.size || end - current >= self.uploadSyncBytes else { return current }
            try await content.synchronize(upload: upload.id)
            let moved: Bool
            do { moved = try await self.store.advanceUpload(upload.id, from: current, to: end) } catch {
                await self.uploadParts.stopHashing(upload: upload.id)
                throw error
            }
            guard moved else {
                await self.uploadParts.stopHashing(upload: upload.id)
                throw RelayError.uploadOffsetMismatch
            }
            await self.uploadParts.advanced(upload: upload.id, to: end, address: joined)
            return end
        }
    }

    /// Bytes of contiguous received parts synchronized at once: half the window, and few enough
    /// parts that the waiting-part limit still leaves room for the parts in flight.
    var uploadSyncBytes: Int64 {
        let part = Int64(BlobAddress.partSize)
        return max(part, min(configuration.uploadWindow / 2, Int64(configuration.maximumWaitingParts / 2) * part))
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
