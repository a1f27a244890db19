import Foundation
import GRDB

/// Messages that overtook their group's Welcome (docs/client.md, "Messages before their
/// Welcome"): kept on the device, acknowledged at the relay, and handled once the Welcome has
/// been joined.
///
/// The relay orders each recipient's mailbox by arrival, but a Welcome and the group's next
/// messages come from different senders: a member may write before the adder's Welcome went
/// out. Leaving such a message at the relay would hold one of the push connection's in-flight
/// slots for as long as it waits (review M4). Keeping it here frees the slot; the bounds keep a
/// sender who floods us with messages for groups we never join from filling the disk, and past
/// them a message is left at the relay as before (never dropped for lack of room).
extension DeviceStore {
    /// Migration `2026-11-21 early messages`.
    static func createEarlyMessageTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE early_messages (
                    entry_id INTEGER PRIMARY KEY,
                    group_id TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    received_at INTEGER NOT NULL
                );
                CREATE INDEX early_messages_by_group ON early_messages (group_id, entry_id);
                """)
    }

    /// An entry kept until its group is joined: the mailbox entry as the relay gave it.
    struct EarlyMessage: Sendable {
        var entryID: Int64
        var groupID: String
        var payload: Data
        /// The relay's arrival time (Unix seconds): the expiry counts from it.
        var receivedAt: Int64
    }

    /// The limits of ``keepEarlyMessage(_:limits:)``.
    struct EarlyMessageLimits: Sendable {
        var perGroup: Int
        var total: Int
        var totalBytes: Int
    }

    /// Keeps `message` unless that would pass a limit. Returns true when it is kept (now or
    /// already, for an entry the relay delivered again); false leaves it to the caller.
    func keepEarlyMessage(_ message: EarlyMessage, limits: EarlyMessageLimits) throws -> Bool {
        try queue.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM early_messages WHERE entry_id = ?)", arguments: [message.entryID]) == true {
                return true
            }
            let inGroup = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM early_messages WHERE group_id = ?", arguments: [message.groupID]) ?? 0
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS count, COALESCE(SUM(LENGTH(payload)), 0) AS bytes FROM early_messages")
            let count: Int = row?["count"] ?? 0
            let bytes: Int = row?["bytes"] ?? 0
            guard inGroup < limits.perGroup, count < limits.total, bytes + message.payload.count <= limits.totalBytes else { return false }
            try db.execute(
                sql: "INSERT INTO early_messages (entry_id, group_id, payload, received_at) VALUES (?, ?, ?, ?)",
                arguments: [message.entryID, message.groupID, message.payload, message.receivedAt])
            return true
        }
    }

    /// The messages kept for a group, in mailbox order.
    func earlyMessages(_ groupID: String) throws -> [EarlyMessage] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM early_messages WHERE group_id = ? ORDER BY entry_id", arguments: [groupID]).map {
                EarlyMessage(entryID: $0["entry_id"], groupID: $0["group_id"], payload: $0["payload"], receivedAt: $0["received_at"])
            }
        }
    }

    /// The groups some kept message is for.
    func earlyMessageGroups() throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT group_id FROM early_messages ORDER BY group_id") }
    }

    func deleteEarlyMessage(_ entryID: Int64) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM early_messages WHERE entry_id = ?", arguments: [entryID]) }
    }

    /// Deletes the kept messages that reached the relay before `cutoff` (Unix seconds): their
    /// Welcome is not coming. Returns how many.
    func expireEarlyMessages(receivedBefore cutoff: Int64) throws -> Int {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM early_messages WHERE received_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    /// How many messages are kept waiting for their Welcome (for tests and diagnostics).
    public func earlyMessageCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM early_messages") ?? 0 }
    }
}
