public import Foundation

/// Metadata of a stored blob: encrypted file content the client uploaded. The relay never has
/// the key; it addresses the ciphertext by its SHA-256.
public struct BlobRecord: Hashable, Sendable {
    /// Lowercase hex SHA-256 of the ciphertext.
    public var id: String
    public var owner: AccountID
    public var size: Int64
    public var createdAt: Date
    /// Unreferenced blobs are erased at this time (the owner's upload is its only reference).
    public var expiresAt: Date

    public init(id: String, owner: AccountID, size: Int64, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.owner = owner
        self.size = size
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A resumable upload in progress.
public struct BlobUpload: Hashable, Sendable {
    /// Random, 32 hex characters.
    public var id: String
    public var owner: AccountID
    /// The size the client declared; completion checks it.
    public var size: Int64
    /// The whole-blob SHA-256 (hex) a version 1 client declared up front; nil for version 2
    /// uploads, whose content address (per-part hashes) is declared at completion.
    public var sha256: String?
    /// Bytes durably stored so far (the next part starts here).
    public var offset: Int64
    public var expiresAt: Date

    public init(id: String, owner: AccountID, size: Int64, sha256: String? = nil, offset: Int64 = 0, expiresAt: Date) {
        self.id = id
        self.owner = owner
        self.size = size
        self.sha256 = sha256
        self.offset = offset
        self.expiresAt = expiresAt
    }
}
