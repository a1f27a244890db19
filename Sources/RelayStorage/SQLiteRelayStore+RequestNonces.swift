public import Foundation
import GRDB

// MARK: - RequestNonceStore

extension SQLiteRelayStore {
    /// One job of the group commit that already carries the device's rate-limit counter: one
    /// indexed read and one insert more per authenticated request, no extra transaction or fsync.
    public func admitRequest(
        device: DeviceID, nonce: String, expiresAt: Date, rateLimitKey: String, windows: [RateLimitWindow], now: Date
    ) async throws -> RequestAdmission {
        try await groupCommit.write { db in
            let live = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM request_nonces WHERE device_id = ? AND nonce = ? AND expires_at > ?"),
                arguments: [device.rawValue, nonce, now.unixSeconds]
            )
            if live != nil { return .replayed }
            guard try Self.consumeRateLimit(db, rateLimitKey, cost: 1, windows: windows, now: now) else { return .rateLimited }
            // An expired record of the same nonce (not yet purged) is renewed.
            try db.cachedStatement(
                sql: """
                    INSERT INTO request_nonces (device_id, nonce, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT (device_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
                    """
            ).execute(arguments: [device.rawValue, nonce, expiresAt.unixSeconds])
            return .accepted
        }
    }

    public func purgeRequestNonces(now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM request_nonces WHERE expires_at <= ?", arguments: [now.unixSeconds])
        }
    }
}
