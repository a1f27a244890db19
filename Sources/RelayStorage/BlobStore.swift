public import Foundation

/// Metadata of encrypted blobs and of resumable uploads, with a per-account quota. The bytes
/// themselves live in a content store the relay picks (files under the data directory by default).
public protocol BlobStore: Sendable {
    /// Registers an upload if the owner's blobs plus pending uploads plus this one fit in `quota`
    /// bytes, atomically. - Throws: ``RelayStorageError/quotaExceeded``, ``RelayStorageError/unknownAccount``.
    func createUpload(_ upload: BlobUpload, quota: Int64) async throws

    func upload(_ id: String) async throws -> BlobUpload?

    /// Moves the upload's offset from `expected` to `offset`; false if the offset had moved
    /// (a concurrent or repeated chunk), so that chunks are applied once, in order.
    func advanceUpload(_ id: String, from expected: Int64, to offset: Int64) async throws -> Bool

    /// Forgets an upload (idempotent).
    func deleteUpload(_ id: String) async throws

    /// Replaces the upload by the blob record (idempotent for the same owner and blob).
    func completeUpload(_ id: String, as blob: BlobRecord) async throws

    func blob(_ id: String, owner: AccountID) async throws -> BlobRecord?

    /// True while any account holds the blob.
    func blobExists(_ id: String) async throws -> Bool

    /// Drops the owner's reference; returns whether any reference to the blob remains.
    func deleteBlob(_ id: String, owner: AccountID) async throws -> Bool

    /// The ids of the owner's blobs and uploads (to erase their bytes when the account goes).
    func blobAndUploadIDs(of owner: AccountID) async throws -> (blobs: [String], uploads: [String])

    /// Deletes expired blob references and uploads; returns the blob ids that no account holds
    /// any more and the ids of the expired uploads, so their bytes can be erased.
    func expireBlobs(now: Date) async throws -> (blobs: [String], uploads: [String])
}
