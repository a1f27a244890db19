public import Crypto
public import Foundation

/// Where blob bytes (ciphertext) live. Ids are validated lowercase hex before they reach a
/// store, so they are safe as file names.
public protocol BlobContentStore: Sendable {
    /// Writes `bytes` at `offset` of the upload, not yet durably (see ``synchronize(upload:)``).
    /// Bytes after them stay (parts of one upload may arrive in any order); a retried part
    /// overwrites itself. An empty write at 0 creates the upload's file.
    func write(upload: String, at offset: Int64, _ bytes: Data) async throws
    /// Makes every byte written to the upload so far durable (an fsync): the relay calls it
    /// before it records an offset past them, so a stored offset never claims lost bytes.
    func synchronize(upload: String) async throws
    /// The SHA-256 of each `partSize` piece of the upload's bytes, in order (the last may be
    /// shorter), and their total size: the content address after a restart lost the running one.
    func partDigests(upload: String, partSize: Int) async throws -> (digests: [SHA256.Digest], size: Int64)
    /// Makes the upload's bytes the blob's (or drops them if the blob is already stored).
    func promote(upload: String, to blob: String) async throws
    /// Bytes `range` of the blob; nil if the blob is not stored.
    func read(blob: String, range: Range<Int64>) async throws -> Data?
    /// Passes bytes `range` of the blob to `consume` in order, in chunks of at most `chunkSize`
    /// bytes, reading the next chunk only once `consume` has returned: memory stays bounded by one
    /// chunk whatever the blob's size (review M3). Returns false, consuming nothing, if the blob
    /// is not stored; throws if it is shorter than `range`.
    func stream(blob: String, range: Range<Int64>, chunkSize: Int, to consume: (Data) async throws -> Void) async throws -> Bool
    func size(blob: String) async throws -> Int64?
    /// Overwrites, then removes. Missing ids are ignored.
    func erase(blob: String) async throws
    func erase(upload: String) async throws
    /// Ids of stored blobs and uploads last modified before `date` (for garbage collection).
    func storedIDs(modifiedBefore date: Date) async throws -> (blobs: [String], uploads: [String])
}

