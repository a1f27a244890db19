public import Foundation
import GRDB

// MARK: - BlobStore

extension SQLiteRelayStore {
    public func createUpload(_ upload: BlobUpload, quota: Int64) async throws {
        guard upload.size >= 0 else { throw RelayStorageError.invalidValue }
        try await pool.write { db in
            guard try Self.exists(db, "SELECT 1 FROM accounts WHERE id = ?", [upload.owner.rawValue]) else {
                throw RelayStorageError.unknownAccount
            }
            guard try !Self.exists(db, "SELECT 1 FROM blob_uploads WHERE id = ?", [upload.id]) else { throw RelayStorageError.invalidValue }
            let used =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT COALESCE(SUM(size), 0) FROM blobs WHERE owner_account_id = ?1)
                             + (SELECT COALESCE(SUM(size), 0) FROM blob_uploads WHERE owner_account_id = ?1)
                        """,
                    arguments: [upload.owner.rawValue]
                ) ?? 0
            guard used + upload.size <= quota else { throw RelayStorageError.quotaExceeded }
            try db.execute(
                sql: "INSERT INTO blob_uploads (id, owner_account_id, size, sha256, offset, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [upload.id, upload.owner.rawValue, upload.size, upload.sha256, upload.offset, upload.expiresAt.unixSeconds]
            )
        }
    }

    public func upload(_ id: String) async throws -> BlobUpload? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM blob_uploads WHERE id = ?", arguments: [id]).flatMap { row in
                AccountID(rawValue: row["owner_account_id"]).map { owner in
                    BlobUpload(
                        id: row["id"], owner: owner, size: row["size"], sha256: row["sha256"], offset: row["offset"],
                        expiresAt: Date(unixSeconds: row["expires_at"])
                    )
                }
            }
        }
    }

    public func advanceUpload(_ id: String, from expected: Int64, to offset: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE blob_uploads SET offset = ? WHERE id = ? AND offset = ? AND ? BETWEEN offset AND size",
                arguments: [offset, id, expected, offset]
            )
            return db.changesCount == 1
        }
    }

    public func deleteUpload(_ id: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM blob_uploads WHERE id = ?", arguments: [id]) }
    }

    public func completeUpload(_ id: String, as blob: BlobRecord) async throws {
        try await pool.write { db in
            let owner = try String.fetchOne(db, sql: "SELECT owner_account_id FROM blob_uploads WHERE id = ?", arguments: [id])
            guard let owner else {
                if try Self.exists(db, "SELECT 1 FROM blobs WHERE id = ? AND owner_account_id = ?", [blob.id, blob.owner.rawValue]) { return }
                throw RelayStorageError.invalidValue
            }
            guard owner == blob.owner.rawValue else { throw RelayStorageError.invalidValue }
            try db.execute(sql: "DELETE FROM blob_uploads WHERE id = ?", arguments: [id])
            try db.execute(
                sql: """
                    INSERT INTO blobs (id, owner_account_id, size, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id, owner_account_id) DO UPDATE SET expires_at = excluded.expires_at
                    """,
                arguments: [blob.id, blob.owner.rawValue, blob.size, blob.createdAt.unixSeconds, blob.expiresAt.unixSeconds]
            )
        }
    }

    public func blob(_ id: String, owner: AccountID) async throws -> BlobRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM blobs WHERE id = ? AND owner_account_id = ?", arguments: [id, owner.rawValue]).map { row in
                BlobRecord(
                    id: row["id"], owner: owner, size: row["size"], createdAt: Date(unixSeconds: row["created_at"]),
                    expiresAt: Date(unixSeconds: row["expires_at"])
                )
            }
        }
    }

    public func blobExists(_ id: String) async throws -> Bool {
        try await pool.read { db in try Self.exists(db, "SELECT 1 FROM blobs WHERE id = ?", [id]) }
    }

    public func deleteBlob(_ id: String, owner: AccountID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM blobs WHERE id = ? AND owner_account_id = ?", arguments: [id, owner.rawValue])
            return try Self.exists(db, "SELECT 1 FROM blobs WHERE id = ?", [id])
        }
    }

    public func blobAndUploadIDs(of owner: AccountID) async throws -> (blobs: [String], uploads: [String]) {
        try await pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT id FROM blobs WHERE owner_account_id = ? ORDER BY id", arguments: [owner.rawValue]),
                try String.fetchAll(db, sql: "SELECT id FROM blob_uploads WHERE owner_account_id = ? ORDER BY id", arguments: [owner.rawValue])
            )
        }
    }

    public func expireBlobs(now: Date) async throws -> (blobs: [String], uploads: [String]) {
        let cutoff = now.unixSeconds
        return try await pool.write { db in
            let candidates = try String.fetchAll(db, sql: "SELECT DISTINCT id FROM blobs WHERE expires_at <= ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM blobs WHERE expires_at <= ?", arguments: [cutoff])
            var gone: [String] = []
            for id in candidates where try !Self.exists(db, "SELECT 1 FROM blobs WHERE id = ?", [id]) { gone.append(id) }
            let uploads = try String.fetchAll(db, sql: "SELECT id FROM blob_uploads WHERE expires_at <= ? ORDER BY id", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM blob_uploads WHERE expires_at <= ?", arguments: [cutoff])
            return (gone.sorted(), uploads)
        }
    }
}
