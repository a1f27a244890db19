import Foundation
import GRDB

/// What a crash must not lose in a conversation: the work left after our Commit was merged
/// (its Welcome to the added devices and the `info` message), and a leave still waiting for
/// the other members to commit it. The pending Commit itself is part of the sealed group
/// state (MLS state format version 2).
extension DeviceStore {
    /// Migration `2026-11-21 conversation recovery`.
    static func createCommitRecoveryTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE pending_welcomes (
                    group_id TEXT NOT NULL REFERENCES conversations(group_id) ON DELETE CASCADE,
                    epoch INTEGER NOT NULL,
                    welcome BLOB,
                    recipients BLOB NOT NULL,
                    send_info INTEGER NOT NULL,
                    PRIMARY KEY (group_id, epoch)
                );
                CREATE TABLE conversation_leaves (
                    group_id TEXT PRIMARY KEY REFERENCES conversations(group_id) ON DELETE CASCADE,
                    proposed_epoch INTEGER NOT NULL
                );
                """)
    }

    /// The work after a merged Commit: the Welcome (sealed, nil once sent) for the added
    /// devices, and whether the group's `info` message is still to be sent.
    struct PendingWelcome: Sendable {
        struct Recipient: Codable, Hashable, Sendable {
            var account: String
            var device: String
        }
        var groupID: String
        var epoch: UInt64
        var sealedWelcome: Data?
        var recipients: [Recipient]
        var sendInfo: Bool
    }

    /// Saved in the transaction of a ``ConversationWrite``.
    static func save(_ pending: PendingWelcome, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO pending_welcomes (group_id, epoch, welcome, recipients, send_info) VALUES (?, ?, ?, ?, ?)",
            arguments: [pending.groupID, Int64(pending.epoch), pending.sealedWelcome, try JSONEncoder().encode(pending.recipients), pending.sendInfo])
    }

    func pendingWelcomes(_ groupID: String) throws -> [PendingWelcome] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pending_welcomes WHERE group_id = ? ORDER BY epoch", arguments: [groupID]).map { row in
                PendingWelcome(
                    groupID: row["group_id"], epoch: UInt64(row["epoch"] as Int64), sealedWelcome: row["welcome"],
                    recipients: (try? JSONDecoder().decode([PendingWelcome.Recipient].self, from: row["recipients"] as Data)) ?? [],
                    sendInfo: row["send_info"])
            }
        }
    }

    func savePendingWelcome(_ pending: PendingWelcome) throws {
        try queue.write { db in try Self.save(pending, db) }
    }

    func deletePendingWelcome(groupID: String, epoch: UInt64) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM pending_welcomes WHERE group_id = ? AND epoch = ?", arguments: [groupID, Int64(epoch)])
        }
    }

    /// The epoch in which this device last proposed its account's removal from a group it is
    /// leaving; nil when it is not leaving it.
    func leaveProposedEpoch(_ groupID: String) throws -> UInt64? {
        try queue.read { db in
            try Int64.fetchOne(db, sql: "SELECT proposed_epoch FROM conversation_leaves WHERE group_id = ?", arguments: [groupID]).map(UInt64.init)
        }
    }

    static func saveLeave(groupID: String, epoch: UInt64?, _ db: Database) throws {
        if let epoch {
            try db.execute(
                sql: "INSERT OR REPLACE INTO conversation_leaves (group_id, proposed_epoch) VALUES (?, ?)", arguments: [groupID, Int64(epoch)])
        } else {
            try db.execute(sql: "DELETE FROM conversation_leaves WHERE group_id = ?", arguments: [groupID])
        }
    }
}

extension DeviceStore {
    /// How many merged Commits of a conversation still have a Welcome or `info` to send.
    public func pendingWelcomeCount(_ groupID: String) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending_welcomes WHERE group_id = ?", arguments: [groupID]) ?? 0
        }
    }
}
