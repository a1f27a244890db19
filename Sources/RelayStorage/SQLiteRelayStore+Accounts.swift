import Foundation
import GRDB

// MARK: - AccountStore, DeviceStore

extension SQLiteRelayStore {
    public func createAccount(_ account: Account, firstDevice: Device) async throws {
        guard firstDevice.accountID == account.id, firstDevice.publicKey.count == 32 else { throw RelayStorageError.invalidValue }
        try await pool.write { db in
            guard try !Self.exists(db, "SELECT 1 FROM accounts WHERE id = ?", [account.id.rawValue]) else {
                throw RelayStorageError.accountExists
            }
            if let username = account.username, try Self.exists(db, "SELECT 1 FROM accounts WHERE username = ?", [username]) {
                throw RelayStorageError.usernameTaken
            }
            try Self.checkNewDevice(db, firstDevice)
            try db.execute(
                sql: "INSERT INTO accounts (id, username, created_at) VALUES (?, ?, ?)",
                arguments: [account.id.rawValue, account.username, account.createdAt.unixSeconds]
            )
            try Self.insert(db, firstDevice)
        }
    }

    public func account(_ id: AccountID) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT username, created_at FROM accounts WHERE id = ?", arguments: [id.rawValue]).map { row in
                Account(id: id, username: row["username"], createdAt: Date(unixSeconds: row["created_at"]))
            }
        }
    }

    public func setUsername(_ username: String?, for id: AccountID) async throws {
        try await pool.write { db in
            guard try Self.exists(db, "SELECT 1 FROM accounts WHERE id = ?", [id.rawValue]) else { throw RelayStorageError.unknownAccount }
            if let username, try Self.exists(db, "SELECT 1 FROM accounts WHERE username = ? AND id <> ?", [username, id.rawValue]) {
                throw RelayStorageError.usernameTaken
            }
            try db.execute(sql: "UPDATE accounts SET username = ? WHERE id = ?", arguments: [username, id.rawValue])
        }
    }

    public func accountID(forUsername username: String) async throws -> AccountID? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM accounts WHERE username = ?", arguments: [username]).flatMap(AccountID.init(rawValue:))
        }
    }

    public func deleteAccount(_ id: AccountID) async throws {
        try await pool.write { db in
            // Requests the account sent name it as sender: they go with it. Everything else it
            // owns goes through ON DELETE CASCADE (devices -> key packages, mailbox entries ->
            // messages by trigger; delivery token; blocks it placed). Blocks others placed on it
            // protect nobody once it is gone (ids are never reused): they go too (review L6).
            try db.execute(sql: "DELETE FROM mailbox_entries WHERE sender_account_id = ?", arguments: [id.rawValue])
            try db.execute(sql: "DELETE FROM blocks WHERE blocked_account_id = ?", arguments: [id.rawValue])
            try db.execute(sql: "DELETE FROM accounts WHERE id = ?", arguments: [id.rawValue])
        }
    }

    public func addDevice(_ device: Device, limit: Int) async throws {
        guard device.publicKey.count == 32 else { throw RelayStorageError.invalidValue }
        try await pool.write { db in
            guard try Self.exists(db, "SELECT 1 FROM accounts WHERE id = ?", [device.accountID.rawValue]) else {
                throw RelayStorageError.unknownAccount
            }
            try Self.checkNewDevice(db, device)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM devices WHERE account_id = ?", arguments: [device.accountID.rawValue]) ?? 0
            guard count < limit else { throw RelayStorageError.deviceLimitReached }
            try Self.insert(db, device)
        }
    }

    public func device(_ id: DeviceID) async throws -> Device? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE id = ?", arguments: [id.rawValue]).flatMap(Self.device(from:))
        }
    }

    public func devices(of account: AccountID) async throws -> [Device] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM devices WHERE account_id = ? ORDER BY created_at, id", arguments: [account.rawValue])
                .compactMap(Self.device(from:))
        }
    }

    public func removeDevice(_ id: DeviceID) async throws {
        try await pool.write { db in
            guard let account = try String.fetchOne(db, sql: "SELECT account_id FROM devices WHERE id = ?", arguments: [id.rawValue]) else {
                throw RelayStorageError.unknownDevice
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM devices WHERE account_id = ?", arguments: [account]) ?? 0
            guard count > 1 else { throw RelayStorageError.lastDevice }
            try db.execute(sql: "DELETE FROM devices WHERE id = ?", arguments: [id.rawValue])
        }
    }

    static func exists(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> Bool {
        try Row.fetchOne(db, sql: sql, arguments: arguments) != nil
    }

    private static func checkNewDevice(_ db: Database, _ device: Device) throws {
        if try exists(db, "SELECT 1 FROM devices WHERE id = ? OR public_key = ?", [device.id.rawValue, device.publicKey]) {
            throw RelayStorageError.deviceExists
        }
    }

    private static func insert(_ db: Database, _ device: Device) throws {
        try db.execute(
            sql: "INSERT INTO devices (id, account_id, public_key, created_at) VALUES (?, ?, ?, ?)",
            arguments: [device.id.rawValue, device.accountID.rawValue, device.publicKey, device.createdAt.unixSeconds]
        )
    }

    private static func device(from row: Row) -> Device? {
        guard let id = DeviceID(rawValue: row["id"]), let account = AccountID(rawValue: row["account_id"]) else { return nil }
        return Device(id: id, accountID: account, publicKey: row["public_key"], createdAt: Date(unixSeconds: row["created_at"]))
    }
}
