import Foundation
import GRDB

// MARK: - KeyPackageStore

extension SQLiteRelayStore {
    public func storeKeyPackages(_ packages: [KeyPackageUpload], lastResort: KeyPackageUpload?, for device: DeviceID, limitPerSuite: Int)
        async throws
    {
        guard packages.allSatisfy({ !$0.data.isEmpty }), lastResort.map({ !$0.data.isEmpty }) ?? true else {
            throw RelayStorageError.invalidValue
        }
        try await pool.write { db in
            guard try Self.exists(db, "SELECT 1 FROM devices WHERE id = ?", [device.rawValue]) else { throw RelayStorageError.unknownDevice }
            for package in packages {
                try db.execute(
                    sql: "INSERT INTO key_packages (device_id, cipher_suite, last_resort, data) VALUES (?, ?, 0, ?)",
                    arguments: [device.rawValue, Int(package.cipherSuite), package.data]
                )
            }
            let fullest =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM key_packages
                        WHERE device_id = ? AND last_resort = 0 GROUP BY cipher_suite)
                        """,
                    arguments: [device.rawValue]
                ) ?? 0
            // Throwing rolls the whole upload back.
            guard fullest <= limitPerSuite else { throw RelayStorageError.keyPackageLimitReached }
            if let lastResort {
                try db.execute(
                    sql: """
                        INSERT INTO key_packages (device_id, cipher_suite, last_resort, data) VALUES (?, ?, 1, ?)
                        ON CONFLICT (device_id, cipher_suite) WHERE last_resort = 1 DO UPDATE SET data = excluded.data
                        """,
                    arguments: [device.rawValue, Int(lastResort.cipherSuite), lastResort.data]
                )
            }
        }
    }

    public func claimKeyPackage(of device: DeviceID, cipherSuite: UInt16) async throws -> ClaimedKeyPackage? {
        try await pool.write { db in
            // One statement that picks and deletes the oldest package; writes are serialised, so
            // two claims can never return the same row.
            if let data = try Data.fetchOne(
                db,
                sql: """
                    DELETE FROM key_packages WHERE id = (
                        SELECT id FROM key_packages WHERE device_id = ? AND cipher_suite = ? AND last_resort = 0 ORDER BY id LIMIT 1
                    ) RETURNING data
                    """,
                arguments: [device.rawValue, Int(cipherSuite)]
            ) {
                return ClaimedKeyPackage(cipherSuite: cipherSuite, data: data, isLastResort: false)
            }
            return try Data.fetchOne(
                db,
                sql: "SELECT data FROM key_packages WHERE device_id = ? AND cipher_suite = ? AND last_resort = 1",
                arguments: [device.rawValue, Int(cipherSuite)]
            ).map { ClaimedKeyPackage(cipherSuite: cipherSuite, data: $0, isLastResort: true) }
        }
    }

    public func keyPackageCounts(of device: DeviceID) async throws -> [KeyPackageCount] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT cipher_suite, SUM(last_resort = 0) AS one_time, MAX(last_resort) AS has_last_resort
                    FROM key_packages WHERE device_id = ? GROUP BY cipher_suite ORDER BY cipher_suite
                    """,
                arguments: [device.rawValue]
            ).map { row in
                KeyPackageCount(
                    cipherSuite: UInt16(truncatingIfNeeded: row["cipher_suite"] as Int),
                    oneTime: row["one_time"],
                    hasLastResort: (row["has_last_resort"] as Int) == 1
                )
            }
        }
    }
}
