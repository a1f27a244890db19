import Crypto
import Foundation
import RelayAPI

/// The parts of resumable uploads that were written ahead of their upload's contiguous offset,
/// so that a client may keep several parts in flight (docs/relay.md §Encrypted blobs).
///
/// The store keeps, durably, each upload's offset: every byte before it is on disk. A part may
/// start anywhere in `[offset, offset + window)`; it is written at its place (not yet synced),
/// then recorded here with its SHA-256; once the parts recorded here reach far enough past the
/// stored offset, the relay fsyncs the file and the offset advances over them, durably, and
/// they are forgotten. So the offset never claims a byte that is not on disk, and what this
/// in-memory record holds is only a shortcut: after a restart the relay reports the stored
/// offset and the client sends the rest again (at most one window).
///
/// Claims and advances happen under one lock per upload, against the stored offset read under
/// it, so a part being written always lies at or past the offset: the offset never passes it,
/// and completion (which needs the offset at the end) never hashes bytes still being written.
/// Limits: two parts being written never overlap; at most `limit` parts wait per upload; an
/// upload's entry is dropped when it completes or expires.
///
/// It also builds each upload's content address (``BlobAddress``) as its offset advances, from
/// the part hashes the request signatures were checked with (bytes before the offset never
/// change), so no byte is hashed twice; an upload whose entry began past offset 0 (after a
/// restart) is hashed from the file at completion instead.
actor UploadParts {
    private enum State: Equatable {
        case writing
        case written(SHA256.Digest)
    }

    private struct Upload {
        var parts: [Range<Int64>: State] = [:]
        var expiresAt: Date
        /// The address over the parts of bytes `0 ..< hashed`, while that prefix was seen whole.
        var address: BlobAddress.PartsHasher?
        var hashed: Int64 = 0
    }

    private var uploads: [String: Upload] = [:]
    /// Serialises the offset advance of each upload (read, chain, store, forget).
    nonisolated let advancing = KeyedMutex()

    /// Claims `range` of upload `id` for writing, or throws ``RelayError/uploadOffsetMismatch``
    /// when it starts before `offset` (the stored offset, read under ``advancing``) or at or past
    /// `offset + window`, overlaps a part being written, or (unless it starts at `offset`) would
    /// make more than `limit` parts wait. Written parts it overlaps are forgotten: its bytes
    /// replace theirs (a retried part, or a client that resumed with another part size), and the
    /// client sends what they held again.
    func claim(_ range: Range<Int64>, upload id: String, size: Int64, offset: Int64, window: Int64, limit: Int, expiresAt: Date, now: Date)
        throws(RelayError)
    {
        guard range.lowerBound >= offset, range.lowerBound - offset < window else { throw .uploadOffsetMismatch }
        dropExpired(now: now)
        var upload = uploads[id] ?? Upload(expiresAt: expiresAt, address: offset == 0 ? BlobAddress.PartsHasher(size: size) : nil)
        let overlapping = upload.parts.filter { $0.key.overlaps(range) }
        guard !overlapping.values.contains(.writing) else { throw .uploadOffsetMismatch }
        for part in overlapping.keys { upload.parts[part] = nil }
        // The part at the offset is always taken: it is the one that lets the waiting ones go.
        guard range.lowerBound == offset || upload.parts.count < limit else { throw .uploadOffsetMismatch }
        upload.parts[range] = .writing
        uploads[id] = upload
    }

    /// Gives up a claim whose write failed.
    func release(_ range: Range<Int64>, upload id: String) {
        guard uploads[id]?.parts[range] == .writing else { return }
        uploads[id]?.parts[range] = nil
    }

    /// Records that `range` is written (not yet synced), with its SHA-256.
    func written(_ range: Range<Int64>, digest: SHA256.Digest, upload id: String) {
        guard uploads[id]?.parts[range] != nil else { return }
        uploads[id]?.parts[range] = .written(digest)
    }

    /// The chain of written parts that starts at `offset`, in one walk: where it ends (`offset`
    /// itself if no part starts there), and the upload's address extended, in order, by the
    /// chain's part hashes (nil if the address is not kept, or does not end at `offset`).
    /// Nothing changes until ``advanced(upload:to:address:)``.
    func chain(upload id: String, from offset: Int64) -> (end: Int64, address: BlobAddress.PartsHasher?) {
        guard let upload = uploads[id] else { return (offset, nil) }
        var written: [Int64: (end: Int64, digest: SHA256.Digest)] = [:]
        for (range, state) in upload.parts where !range.isEmpty {
            if case .written(let digest) = state { written[range.lowerBound] = (range.upperBound, digest) }
        }
        var address = upload.hashed == offset ? upload.address : nil
        var end = offset
        while let part = written[end] {
            address?.append(part: part.digest)
            end = part.end
        }
        return (end, address)
    }

    /// The stored offset moved to `offset`: forgets the parts before it and keeps `address`
    /// (from ``chain(upload:from:)``) as the address of bytes `0 ..< offset`, or stops keeping one.
    func advanced(upload id: String, to offset: Int64, address: BlobAddress.PartsHasher?) {
        guard var upload = uploads[id] else { return }
        upload.parts = upload.parts.filter { $0.key.upperBound > offset }
        upload.address = address
        upload.hashed = offset
        uploads[id] = upload
    }

    /// Drops the running address (completion then hashes the file).
    func stopHashing(upload id: String) { uploads[id]?.address = nil }

    /// The content address (lowercase hex) of upload `id` if its running address covers it whole.
    func address(upload id: String) -> String? {
        guard let upload = uploads[id], let address = upload.address, upload.hashed == address.size, let digest = address.finalize() else { return nil }
        return BlobAddress.hex(digest)
    }

    /// Forgets an upload (completed or discarded).
    func forget(upload id: String) { uploads[id] = nil }

    private func dropExpired(now: Date) {
        // One entry per upload written to in the last day (the upload lifetime): a short scan.
        if uploads.values.contains(where: { $0.expiresAt <= now }) { uploads = uploads.filter { $0.value.expiresAt > now } }
    }
}
