import Foundation
import GRDB

/// A first message's request saved before it is sent (docs/client.md, "First contact"): if the
/// process stops after the relay took it but before the send was recorded, the next
/// ``LetterlockClient/receive()`` sends the very same request again instead of losing the
/// conversation or starting a second one.
extension DeviceStore {
    /// Migration `2026-11-21 unsent requests`.
    static func createUnsentRequestTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE unsent_requests (
                    group_id TEXT PRIMARY KEY REFERENCES conversations(group_id) ON DELETE CASCADE,
                    devices BLOB NOT NULL,
                    payload BLOB NOT NULL
                );
                """)
    }

    /// A request envelope (sealed locally) and the recipient devices it goes to.
    struct UnsentRequest: Sendable {
        var groupID: String
        var devices: [String]
        var sealedPayload: Data
    }

    static func save(_ request: UnsentRequest, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO unsent_requests (group_id, devices, payload) VALUES (?, ?, ?)",
            arguments: [request.groupID, try JSONEncoder().encode(request.devices), request.sealedPayload])
    }

    func unsentRequests() throws -> [UnsentRequest] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM unsent_requests ORDER BY group_id").map { row in
                UnsentRequest(
                    groupID: row["group_id"], devices: (try? JSONDecoder().decode([String].self, from: row["devices"] as Data)) ?? [],
                    sealedPayload: row["payload"])
            }
        }
    }

    func deleteUnsentRequest(_ groupID: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM unsent_requests WHERE group_id = ?", arguments: [groupID]) }
    }

    /// Deletes a conversation with everything that hangs on it (history, outbox, unsent request).
    func deleteConversation(_ groupID: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM conversations WHERE group_id = ?", arguments: [groupID]) }
    }

    /// How many first-message requests wait to be sent (for tests and diagnostics).
    public func unsentRequestCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unsent_requests") ?? 0 }
    }
}
