import Foundation
import GRDB
@testable import RelayStorage
import Synchronization
import Testing

/// What only the SQLite driver promises: its pragmas, migrations, and payload erasure on disk.
@Suite struct SQLiteRelayStoreTests {
    func withStore(_ body: (SQLiteRelayStore, URL) async throws -> Void) async throws {
        try await TemporaryDirectory.with("relay-sqlite") { directory in
            let path = directory.appendingPathComponent("relay.sqlite")
            try await body(try SQLiteRelayStore(path: path.path), path)
        }
    }

    @Test func pragmasAndMigrations() async throws {
        try await withStore { store, path in
            let (secureDelete, foreignKeys, journalMode) = try await store.pool.read { db in
                (
                    try Int.fetchOne(db, sql: "PRAGMA secure_delete"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                    try String.fetchOne(db, sql: "PRAGMA journal_mode")
                )
            }
            #expect(secureDelete == 1)
            #expect(foreignKeys == 1)
            #expect(journalMode == "wal")
            // FULL (2) on the connection that writes: an acknowledged commit survives a power cut.
            let synchronous = try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(synchronous == 2)
            #expect(try await store.appliedMigrations().count == 5)
            // Reopening applies nothing twice.
            let again = try SQLiteRelayStore(path: path.path)
            #expect(try await again.appliedMigrations() == store.appliedMigrations())
        }
    }

    /// The data inventory (README.md and docs/relay.md) has a row for every table the
    /// migrations create, SQLite's own included, and names the last migration.
    @Test func theDataInventoryNamesEveryTable() async throws {
        try await withStore { store, _ in
            var f = RelayStorageConformance.Fixture()
            let (_, devices) = try await f.makeAccount(in: store)
            _ = try await store.deliver(RelayStorageConformance.inbox([devices[0].id], "creates sqlite_sequence"))
            let tables = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
            let migrations = try await store.appliedMigrations()
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            for document in ["README.md", "docs/relay.md"] {
                let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
                for table in tables { #expect(text.contains("| `\(table)` |"), "\(document): no inventory row for table \(table)") }
                let last = try #require(migrations.last?.split(separator: ":").first)
                #expect(text.contains("`2026-11-21 relay v1` to `\(last.split(separator: " ").last ?? "")`"), "\(document): the inventory's migration range")
            }
            #expect(tables.count >= 15)
        }
    }

    /// Relay review L2: a nonce recorded before a restart is still refused after it, and the
    /// nonces of a removed device go with it.
    @Test func requestNoncesSurviveAReopening() async throws {
        try await withStore { store, path in
            var f = RelayStorageConformance.Fixture()
            let (_, devices) = try await f.makeAccount(in: store, devices: 2)
            let now = RelayStorageConformance.t0
            func admit(_ store: SQLiteRelayStore, _ device: DeviceID) async throws -> RequestAdmission {
                try await store.admitRequest(
                    device: device, nonce: "captured-nonce-1", expiresAt: now.addingTimeInterval(600), rateLimitKey: "device:\(device)",
                    windows: [], now: now)
            }
            #expect(try await admit(store, devices[1].id) == .accepted)
            let reopened = try SQLiteRelayStore(path: path.path)
            #expect(try await admit(reopened, devices[1].id) == .replayed)
            try await reopened.removeDevice(devices[1].id)
            #expect(try await reopened.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM request_nonces") } == 0)
        }
    }

    /// Deleting an account leaves no row in any table that names it or one of its devices
    /// (its delivery token hash included, which the store offers no way to read back).
    @Test func deletingAnAccountLeavesNoRowNamingIt() async throws {
        try await withStore { store, _ in
            var f = RelayStorageConformance.Fixture()
            let now = RelayStorageConformance.t0
            let (doomed, devices) = try await f.makeAccount(in: store, devices: 2, username: "doomed")
            let (friend, friendDevices) = try await f.makeAccount(in: store)
            try await store.setDeliveryTokenHash(Data(repeating: 7, count: 32), for: doomed, at: now)
            try await store.storeKeyPackages([KeyPackageUpload(cipherSuite: 1, data: Data("kp".utf8))], lastResort: nil, for: devices[0].id, limitPerSuite: 10)
            try await store.block(friend, by: doomed, at: now)
            try await store.block(doomed, by: friend, at: now)
            _ = try await store.deliver(RelayStorageConformance.inbox(devices.map(\.id), "to the doomed"))
            _ = try await store.deliver(
                Delivery(
                    recipients: [friendDevices[0].id], payload: Data("request".utf8), queue: .requests, sender: doomed, receivedAt: now,
                    expiresAt: RelayStorageConformance.later))
            _ = try await store.admitRequest(
                device: devices[0].id, nonce: "nonce-of-the-doomed", expiresAt: now.addingTimeInterval(600), rateLimitKey: "device:\(devices[0].id)",
                windows: [RateLimitWindow(seconds: 60, limit: 10)], now: now)
            try await store.createUpload(
                BlobUpload(id: String(repeating: "1", count: 32), owner: doomed, size: 10, sha256: String(repeating: "ab", count: 32), expiresAt: now),
                quota: 100)
            // As `DELETE /v1/account` does: the account, then the counters naming it or its devices.
            try await store.deleteAccount(doomed)
            try await store.deleteRateLimits(naming: [doomed.rawValue] + devices.map(\.id.rawValue))

            let names = [doomed.rawValue] + devices.map(\.id.rawValue)
            let (tables, rows) = try await store.pool.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                var rows: [String] = []
                for table in tables {
                    for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                        for (column, value) in row {
                            if let text = String.fromDatabaseValue(value), names.contains(where: { text.contains($0) }) { rows.append("\(table).\(column)") }
                        }
                    }
                }
                return (tables, rows)
            }
            #expect(tables.contains("delivery_tokens") && tables.contains("request_nonces"))
            #expect(rows.isEmpty, "rows still naming the deleted account or its devices: \(rows)")
        }
    }

    /// A sealed send with a wrong token is refused after reading the recipient's account and
    /// token only: it never counts the recipient's queue or its account's bytes, so it costs the
    /// writer one point lookup, and its answer time tells nothing of how much mail waits
    /// (session 5 review M1). With the right token both are read, once.
    @Test func aWrongTokenIsRefusedBeforeTheQueueIsRead() async throws {
        try await withStore { store, _ in
            var f = RelayStorageConformance.Fixture()
            let now = RelayStorageConformance.t0
            let (account, devices) = try await f.makeAccount(in: store)
            let token = Data(repeating: 7, count: 32)
            try await store.setDeliveryTokenHash(token, for: account, at: now)
            for index in 0..<3 { _ = try await store.deliver(RelayStorageConformance.inbox([devices[0].id], "queued \(index)")) }
            let statements = Mutex<[String]>([])
            // The group commit runs every job on the pool's writer connection.
            try await store.pool.writeWithoutTransaction { db in
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { statements.withLock { $0.append(statement.sql) } }
                }
            }
            func send(token presented: Data) async throws -> (Result<DeliveryOutcome, any Error>, [String]) {
                statements.withLock { $0 = [] }
                var delivery = RelayStorageConformance.inbox([devices[0].id], "sealed")
                delivery.deliveryTokenHashes = [presented]
                delivery.mailboxLimit = 100
                delivery.accountByteLimit = 1 << 20
                let result: Result<DeliveryOutcome, any Error>
                do { result = .success(try await store.deliver(delivery)) } catch { result = .failure(error) }
                return (result, statements.withLock { $0 })
            }
            let (refused, refusedStatements) = try await send(token: Data(repeating: 8, count: 32))
            #expect(throws: RelayStorageError.recipientNotAuthorized) { try refused.get() }
            #expect(!refusedStatements.isEmpty, "the trace saw the writer's statements")
            #expect(!refusedStatements.contains { $0.contains("mailbox_entries") || $0.contains("mailbox_usage") }, "\(refusedStatements)")
            let (delivered, deliveredStatements) = try await send(token: token)
            _ = try delivered.get()
            #expect(deliveredStatements.filter { $0.contains("COUNT(*) FROM mailbox_entries") && $0.contains("mailbox_usage") }.count == 1)
        }
    }

    @Test func payloadRowsGoWithTheirLastEntry() async throws {
        try await withStore { store, _ in
            var f = RelayStorageConformance.Fixture()
            let (account, devices) = try await f.makeAccount(in: store, devices: 2)
            let (_, other) = try await f.makeAccount(in: store)
            let outcome = try await store.deliver(RelayStorageConformance.inbox(devices.map(\.id), "one payload, two entries"))
            _ = try await store.deliver(RelayStorageConformance.inbox([other[0].id], "kept"))
            func messageRows() async throws -> Int { try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM messages") ?? -1 } }
            #expect(try await messageRows() == 2, "a fan-out stores its payload once")
            _ = try await store.acknowledge(RelayStorageConformance.ids(outcome), for: devices[0].id)
            #expect(try await messageRows() == 2)
            try await store.deleteAccount(account)  // cascades to the second device's entry
            #expect(try await messageRows() == 1)
        }
    }

    @Test func erasedPayloadBytesLeaveTheFiles() async throws {
        try await withStore { store, path in
            var f = RelayStorageConformance.Fixture()
            let (_, devices) = try await f.makeAccount(in: store)
            let marker = "MARKER-\(UUID().uuidString)"
            let outcome = try await store.deliver(RelayStorageConformance.inbox([devices[0].id], String(repeating: marker, count: 4)))
            _ = try await store.acknowledge(RelayStorageConformance.ids(outcome), for: devices[0].id)
            try await store.checkpoint()
            let directory = path.deletingLastPathComponent()
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
                #expect(bytes.range(of: Data(marker.utf8)) == nil, "marker found in \(file)")
            }
        }
    }

    /// Migration v3 on a database written by v2: queued bytes are counted, old claims (which
    /// named no device) dropped, blocks of accounts that are gone removed.
    @Test func migrationV3UpgradesAV2Database() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-v3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("relay.sqlite").path
        let old = try DatabaseQueue(path: path)
        try SQLiteRelayStore.migrator.migrate(old, upTo: "2026-11-21 relay v2: blobs and resumable uploads")
        let account = String(repeating: "a", count: 32), device = String(repeating: "d", count: 32)
        try await old.write { db in
            try db.execute(sql: "INSERT INTO accounts (id, created_at) VALUES (?, 0)", arguments: [account])
            try db.execute(sql: "INSERT INTO devices (id, account_id, public_key, created_at) VALUES (?, ?, ?, 0)", arguments: [device, account, Data(count: 32)])
            try db.execute(sql: "INSERT INTO messages (id, payload) VALUES (1, ?)", arguments: [Data(count: 700)])
            for _ in 0..<2 {
                try db.execute(
                    sql: "INSERT INTO mailbox_entries (device_id, message_id, queue, received_at, expires_at) VALUES (?, 1, 0, 0, 9999999999)",
                    arguments: [device])
            }
            try db.execute(sql: "INSERT INTO commit_claims (group_id, epoch, payload_hash, expires_at) VALUES (x'01', 1, ?, 9999999999)", arguments: [Data(count: 32)])
            try db.execute(sql: "INSERT INTO blocks (blocker_account_id, blocked_account_id, created_at) VALUES (?, ?, 0)", arguments: [account, String(repeating: "f", count: 32)])
        }
        try old.close()
        let store = try SQLiteRelayStore(path: path)
        let (bytes, claims, blocks) = try await store.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT bytes FROM mailbox_usage WHERE device_id = ?", arguments: [device]),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM commit_claims"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blocks")
            )
        }
        #expect(bytes == 1_400, "two queued entries of 700 bytes")
        #expect(claims == 0)
        #expect(blocks == 0)
        // The counters keep up with new entries and acknowledgements.
        let entries = try await store.entries(for: DeviceID(rawValue: device)!, queue: .inbox, after: nil, limit: 10)
        _ = try await store.acknowledge([entries[0].id], for: DeviceID(rawValue: device)!)
        let after = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT bytes FROM mailbox_usage WHERE device_id = ?", arguments: [device]) }
        #expect(after == 700)
    }

    /// Group commit: concurrent sends share transactions, but each keeps its own outcome. The
    /// failing ones (an unknown recipient) roll back only themselves; every successful one is
    /// stored exactly once, with distinct ascending ids; acknowledgements batch the same way.
    @Test func concurrentWritesShareCommitsButNotOutcomes() async throws {
        try await withStore { store, _ in
            var f = RelayStorageConformance.Fixture()
            let (_, devices) = try await f.makeAccount(in: store)
            let recipient = devices[0].id
            let stranger = f.deviceID()
            let outcomes = try await withThrowingTaskGroup(of: (Int, [MailboxEntryID]?).self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let target = index % 5 == 0 ? [recipient, stranger] : [recipient]
                        do {
                            return (index, RelayStorageConformance.ids(try await store.deliver(RelayStorageConformance.inbox(target, "m\(index)"))))
                        } catch let error as RelayStorageError where error == .unknownDevice {
                            return (index, nil)
                        }
                    }
                }
                var all: [Int: [MailboxEntryID]?] = [:]
                for try await (index, ids) in group { all[index] = ids }
                return all
            }
            #expect(outcomes.count == 200)
            #expect(outcomes.filter { $0.value == nil }.map(\.key).sorted() == Array(stride(from: 0, to: 200, by: 5)))
            let stored = try await store.entries(for: recipient, queue: .inbox, after: nil, limit: 1_000)
            #expect(stored.count == 160)
            #expect(Set(stored.map { String(decoding: $0.payload, as: UTF8.self) }).count == 160)
            #expect(Set(stored.map(\.id)) == Set(outcomes.values.compactMap { $0?.first }))

            let acknowledged = try await withThrowingTaskGroup(of: Int.self) { group in
                for entry in stored { group.addTask { try await store.acknowledge([entry.id], for: recipient) } }
                return try await group.reduce(0, +)
            }
            #expect(acknowledged == 160)
            #expect(try await store.mailboxDepth(of: recipient) == 0)
        }
    }
}
