import Crypto
import Foundation

/// The parts of resumable uploads that were written ahead of their upload's contiguous offset,
/// so that a client may keep several parts in flight (docs/relay.md §Encrypted blobs).
///
/// The store keeps, durably, each upload's offset: every byte before it is on disk. A part may
/// start anywhere in `[offset, offset + window)`; it is written and fsynced at its place, then
/// recorded here; whenever the parts recorded here reach back to the stored offset, the offset
/// advances over them, durably, and they are forgotten. So nothing is acknowledged before it is
/// on disk, and what this in-memory record holds is only a shortcut: after a restart the
/// relay reports the stored offset and the client sends the rest again (at most one window).
///
/// Claims and advances happen under one lock per upload, against the stored offset read under
/// it, so a part being written always lies at or past the offset: the offset never passes it,
/// and completion (which needs the offset at the end) never hashes bytes still being written.
/// Limits: two parts being written never overlap; at most `limit` parts wait per upload; an
/// upload's entry is dropped when it completes or expires.
///
/// It also hashes each upload as its offset advances (bytes before the offset never change), so
/// completion needs no second pass over the file; an upload whose entry began past offset 0
/// (after a restart) is hashed whole at completion instead.
actor UploadParts {
    private enum State { case writing, written }

    private struct Upload {
        var parts: [Range<Int64>: State] = [:]
        var expiresAt: Date
        /// SHA-256 of bytes `0 ..< hashed`, while that prefix was seen whole.
        var hasher: SHA256?
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
    func claim(_ range: Range<Int64>, upload id: String, offset: Int64, window: Int64, limit: Int, expiresAt: Date, now: Date)
        throws(RelayError)
    {
        guard range.lowerBound >= offset, range.lowerBound - offset < window else { throw .uploadOffsetMismatch }
        dropExpired(now: now)
        var upload = uploads[id] ?? Upload(expiresAt: expiresAt, hasher: offset == 0 ? SHA256() : nil)
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

    /// Records that `range` is on disk.
    func written(_ range: Range<Int64>, upload id: String) {
        guard uploads[id]?.parts[range] != nil else { return }
        uploads[id]?.parts[range] = .written
    }

    /// The end of the chain of written parts that starts at `offset` (`offset` itself if none does).
    func contiguousEnd(upload id: String, from offset: Int64) -> Int64 {
        guard let parts = uploads[id]?.parts else { return offset }
        var end = offset
        while let next = parts.first(where: { $0.key.lowerBound == end && $0.value == .written && !$0.key.isEmpty }) { end = next.key.upperBound }
        return end
    }

    /// Forgets the parts that end at or before `offset` (the stored offset moved past them).
    func advanced(upload id: String, to offset: Int64) {
        guard var upload = uploads[id] else { return }
        upload.parts = upload.parts.filter { $0.key.upperBound > offset }
        uploads[id] = upload
    }

    /// The running hash of upload `id` and the bytes it covers (nil if it is not kept). Taken
    /// and given back (``keepHash(_:covering:upload:)``) under ``advancing``, so the hashing
    /// itself runs outside this actor, in parallel across uploads.
    func runningHash(upload id: String) -> (hasher: SHA256, hashed: Int64)? {
        guard let upload = uploads[id], let hasher = upload.hasher else { return nil }
        return (hasher, upload.hashed)
    }

    /// Stores the running hash of upload `id`, now covering bytes `0 ..< hashed`.
    func keepHash(_ hasher: SHA256, covering hashed: Int64, upload id: String) {
        guard uploads[id] != nil else { return }
        uploads[id]?.hasher = hasher
        uploads[id]?.hashed = hashed
    }

    /// Drops the running hash (completion then hashes the file).
    func stopHashing(upload id: String) { uploads[id]?.hasher = nil }

    /// The SHA-256 (lowercase hex) of upload `id` if its running hash covers exactly `size` bytes.
    func digest(upload id: String, size: Int64) -> String? {
        guard let upload = uploads[id], upload.hashed == size, let hasher = upload.hasher else { return nil }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Forgets an upload (completed or discarded).
    func forget(upload id: String) { uploads[id] = nil }

    private func dropExpired(now: Date) {
        // One entry per upload written to in the last day (the upload lifetime): a short scan.
        if uploads.values.contains(where: { $0.expiresAt <= now }) { uploads = uploads.filter { $0.value.expiresAt > now } }
    }
}
