public import Foundation

/// Where blob bytes (ciphertext) live. Ids are validated lowercase hex before they reach a
/// store, so they are safe as file names.
public protocol BlobContentStore: Sendable {
    /// Writes `bytes` at `offset` of the upload and makes them durable before returning. Bytes
    /// after them stay (parts of one upload may arrive in any order); a retried part overwrites
    /// itself. An empty write at 0 creates the upload's file.
    func write(upload: String, at offset: Int64, _ bytes: Data) async throws
    /// Bytes `range` of the upload (for its running hash); nil if the store cannot say.
    func read(upload: String, range: Range<Int64>) async throws -> Data?
    /// SHA-256 (lowercase hex) and size of the upload's bytes.
    func digest(upload: String) async throws -> (sha256: String, size: Int64)
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

extension BlobContentStore {
    /// Stores that cannot read an upload back make the relay hash it whole at completion.
    public func read(upload: String, range: Range<Int64>) async throws -> Data? { nil }
}
