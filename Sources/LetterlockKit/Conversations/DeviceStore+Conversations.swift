import Foundation
import GRDB

/// Conversations in the device store: KeyPackage private keys, group states, message history
/// and the outbox. Group states and private keys are stored sealed (``LocalSealer``).
///
/// Every incoming message is applied with ``apply(_:)``: the new group state, the stored message
/// and the processed mailbox entry in one transaction, so a crash never loses or double-applies
/// a message (the entry is acknowledged at the relay only after this commit).
extension DeviceStore {
    /// Migration `2026-11-21 conversations v1`.
    static func createConversationTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE key_package_secrets (
                    reference BLOB PRIMARY KEY,
                    cipher_suite INTEGER NOT NULL,
                    key_package BLOB NOT NULL,
                    private_keys BLOB NOT NULL,
                    last_resort INTEGER NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE conversations (
                    group_id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
                    name TEXT,
                    peer_account TEXT,
                    members TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    active INTEGER NOT NULL,
                    state BLOB,
                    tokens BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_update_at INTEGER NOT NULL,
                    messages_since_update INTEGER NOT NULL
                );
                CREATE TABLE conversation_messages (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    group_id TEXT NOT NULL REFERENCES conversations(group_id) ON DELETE CASCADE,
                    message_id TEXT NOT NULL,
                    sender_account TEXT NOT NULL,
                    sender_device TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    text TEXT,
                    name TEXT,
                    file_name TEXT,
                    file_size INTEGER,
                    file BLOB,
                    sent_at INTEGER NOT NULL,
                    received_at INTEGER NOT NULL,
                    outgoing INTEGER NOT NULL,
                    UNIQUE (group_id, message_id)
                );
                CREATE TABLE outbox (
                    group_id TEXT NOT NULL REFERENCES conversations(group_id) ON DELETE CASCADE,
                    message_id TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    plaintext BLOB NOT NULL,
                    attempts INTEGER NOT NULL,
                    PRIMARY KEY (group_id, message_id)
                );
                """)
    }

    struct StoredConversation: Sendable {
        var conversation: Conversation
        /// `MLSGroup.serialized()`, sealed; nil once the device left.
        var sealedState: Data?
        var tokens: [String: Data]
        var lastUpdateAt: Date
        var messagesSinceUpdate: Int
    }

    /// A message this device sent, kept until no concurrent Commit can have made it unreadable.
    struct OutboxItem: Sendable {
        var groupID: String
        var messageID: String
        /// The epoch of its latest encryption.
        var epoch: UInt64
        var sealedPlaintext: Data
        /// Re-sends after concurrent Commits so far.
        var attempts: Int
        /// Its latest encryption has not reached the relay yet (a failed send, or a 1:1 chat
        /// waiting for the other side's accept).
        var pending: Bool
        /// Re-sending gave up (``ConversationConfiguration/resendLimit``): reported, not pruned.
        var failed = false
    }

    /// Everything one step changes, written in one transaction.
    struct ConversationWrite: Sendable {
        var conversation: StoredConversation?
        var message: ConversationEntry?
        var sealedManifest: Data?
        var processedEntry: Int64?
        var consumedKeyPackage: Data?
        var outboxInsert: [OutboxItem] = []
        var outboxDelete: [(groupID: String, messageID: String)] = []
        /// Deletes outbox rows of this group with an epoch below the value.
        var outboxPruneBelow: (groupID: String, epoch: UInt64)?
        /// The Welcome and `info` still to send after a merged Commit (``PendingWelcome``).
        var pendingWelcome: PendingWelcome?
        /// Records (epoch) or clears (nil) a leave in progress (`conversation_leaves`).
        var leave: (groupID: String, epoch: UInt64?)?
        /// A first message's request about to be sent (`unsent_requests`).
        var unsentRequest: UnsentRequest?
    }

    /// Applies `write` atomically. Returns false when its message was already stored (a duplicate).
    @discardableResult
    func apply(_ write: ConversationWrite) throws -> Bool {
        try queue.write { db in
            if let stored = write.conversation { try Self.save(stored, db) }
            var inserted = true
            if let message = write.message {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO conversation_messages (group_id, message_id, sender_account, sender_device, kind, text, name,
                            file_name, file_size, file, sent_at, received_at, outgoing)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        message.conversationID, message.messageID, message.senderAccount, message.senderDevice, message.kind.rawValue, message.text,
                        message.name, message.fileName, message.fileSize, write.sealedManifest, Int64(message.sentAt.timeIntervalSince1970),
                        Int64(message.receivedAt.timeIntervalSince1970), message.outgoing,
                    ])
                inserted = db.changesCount > 0
            }
            if let entry = write.processedEntry {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO processed_entries (entry_id, processed_at) VALUES (?, ?)",
                    arguments: [entry, Int64(Date().timeIntervalSince1970)])
            }
            if let reference = write.consumedKeyPackage {
                try db.execute(sql: "DELETE FROM key_package_secrets WHERE reference = ? AND last_resort = 0", arguments: [reference])
            }
            for item in write.outboxInsert {
                try db.execute(
                    sql: """
                        INSERT INTO outbox (group_id, message_id, epoch, plaintext, attempts, pending, failed) VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (group_id, message_id) DO UPDATE SET epoch = excluded.epoch, plaintext = excluded.plaintext,
                            attempts = excluded.attempts, pending = excluded.pending, failed = excluded.failed
                        """,
                    arguments: [item.groupID, item.messageID, Int64(item.epoch), item.sealedPlaintext, item.attempts, item.pending, item.failed])
            }
            for item in write.outboxDelete {
                try db.execute(sql: "DELETE FROM outbox WHERE group_id = ? AND message_id = ?", arguments: [item.groupID, item.messageID])
            }
            if let prune = write.outboxPruneBelow {
                // Never a message still to deliver or one whose failure the user has not seen.
                try db.execute(
                    sql: "DELETE FROM outbox WHERE group_id = ? AND epoch < ? AND pending = 0 AND failed = 0",
                    arguments: [prune.groupID, Int64(prune.epoch)])
            }
            if let pending = write.pendingWelcome { try Self.save(pending, db) }
            if let leave = write.leave { try Self.saveLeave(groupID: leave.groupID, epoch: leave.epoch, db) }
            if let request = write.unsentRequest { try Self.save(request, db) }
            return inserted
        }
    }

    private static func save(_ stored: StoredConversation, _ db: Database) throws {
        let c = stored.conversation
        let tokens = try JSONEncoder().encode(stored.tokens)
        let members = try String(decoding: JSONEncoder().encode(c.members), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO conversations (group_id, kind, name, peer_account, members, epoch, active, state, tokens, created_at, last_update_at,
                    messages_since_update) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (group_id) DO UPDATE SET kind = excluded.kind, name = excluded.name, peer_account = excluded.peer_account,
                    members = excluded.members, epoch = excluded.epoch, active = excluded.active, state = excluded.state, tokens = excluded.tokens,
                    last_update_at = excluded.last_update_at, messages_since_update = excluded.messages_since_update
                """,
            arguments: [
                c.id, c.kind.rawValue, c.name, c.peerAccount, members, Int64(c.epoch), c.active, stored.sealedState, tokens,
                Int64(c.createdAt.timeIntervalSince1970), Int64(stored.lastUpdateAt.timeIntervalSince1970), stored.messagesSinceUpdate,
            ])
    }

    func storedConversation(_ groupID: String) throws -> StoredConversation? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE group_id = ?", arguments: [groupID]).map(Self.storedConversation)
        }
    }

    func storedConversations() throws -> [StoredConversation] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conversations ORDER BY created_at, group_id").map(Self.storedConversation)
        }
    }

    private static func storedConversation(_ row: Row) throws -> StoredConversation {
        let members = (try? JSONDecoder().decode([String].self, from: Data((row["members"] as String).utf8))) ?? []
        let tokens = (try? JSONDecoder().decode([String: Data].self, from: row["tokens"] as Data)) ?? [:]
        let conversation = Conversation(
            id: row["group_id"], kind: ConversationKind(rawValue: row["kind"]) ?? .group, name: row["name"], peerAccount: row["peer_account"],
            members: members, epoch: UInt64(row["epoch"] as Int64), active: row["active"],
            createdAt: Date(timeIntervalSince1970: TimeInterval(row["created_at"] as Int64)))
        return StoredConversation(
            conversation: conversation, sealedState: row["state"], tokens: tokens,
            lastUpdateAt: Date(timeIntervalSince1970: TimeInterval(row["last_update_at"] as Int64)), messagesSinceUpdate: row["messages_since_update"])
    }

    // MARK: History

    /// Messages of one conversation (or all, when nil) with a sequence above `after`, oldest first.
    func conversationEntries(_ groupID: String?, after: Int64 = 0, limit: Int = 1_000) throws -> [ConversationEntry] {
        try queue.read { db in
            let rows =
                if let groupID {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM conversation_messages WHERE group_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                        arguments: [groupID, after, limit])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM conversation_messages WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                }
            return rows.map(Self.conversationEntry)
        }
    }

    private static func conversationEntry(_ row: Row) -> ConversationEntry {
        ConversationEntry(
            sequence: row["seq"], conversationID: row["group_id"], messageID: row["message_id"], senderAccount: row["sender_account"],
            senderDevice: row["sender_device"], kind: ConversationMessage.Kind(rawValue: row["kind"]) ?? .text, text: row["text"],
            name: row["name"], fileName: row["file_name"], fileSize: row["file_size"],
            sentAt: Date(timeIntervalSince1970: TimeInterval(row["sent_at"] as Int64)),
            receivedAt: Date(timeIntervalSince1970: TimeInterval(row["received_at"] as Int64)), outgoing: row["outgoing"])
    }

    func sealedManifest(groupID: String, messageID: String) throws -> Data? {
        try queue.read { db in
            try Data.fetchOne(
                db, sql: "SELECT file FROM conversation_messages WHERE group_id = ? AND message_id = ?", arguments: [groupID, messageID])
        }
    }

    func hasMessage(groupID: String, messageID: String) throws -> Bool {
        try queue.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM conversation_messages WHERE group_id = ? AND message_id = ?)",
                arguments: [groupID, messageID]) ?? false
        }
    }

    // MARK: Outbox

    func outbox(_ groupID: String) throws -> [OutboxItem] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE group_id = ? ORDER BY rowid", arguments: [groupID]).map {
                OutboxItem(
                    groupID: $0["group_id"], messageID: $0["message_id"], epoch: UInt64($0["epoch"] as Int64), sealedPlaintext: $0["plaintext"],
                    attempts: $0["attempts"], pending: $0["pending"], failed: $0["failed"])
            }
        }
    }

    /// Messages whose re-sending gave up, with their history entries, oldest first.
    func failedOutboxEntries() throws -> [ConversationEntry] {
        let ids = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT group_id, message_id FROM outbox WHERE failed = 1 ORDER BY rowid").map {
                ($0["group_id"] as String, $0["message_id"] as String)
            }
        }
        return try ids.compactMap { try conversationEntry(groupID: $0.0, messageID: $0.1) }
    }

    func conversationEntry(groupID: String, messageID: String) throws -> ConversationEntry? {
        try queue.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM conversation_messages WHERE group_id = ? AND message_id = ?", arguments: [groupID, messageID]
            ).map(Self.conversationEntry)
        }
    }

    // MARK: KeyPackage private keys

    struct StoredKeyPackage: Sendable {
        var reference: Data
        var cipherSuite: UInt16
        var keyPackage: Data
        var sealedPrivateKeys: Data
        var lastResort: Bool
    }

    func saveKeyPackages(_ packages: [StoredKeyPackage], replacingLastResort: Bool) throws {
        try queue.write { db in
            if replacingLastResort { try db.execute(sql: "DELETE FROM key_package_secrets WHERE last_resort = 1") }
            for package in packages {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO key_package_secrets (reference, cipher_suite, key_package, private_keys, last_resort, created_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        package.reference, Int64(package.cipherSuite), package.keyPackage, package.sealedPrivateKeys, package.lastResort,
                        Int64(Date().timeIntervalSince1970),
                    ])
            }
        }
    }

    func storedKeyPackage(reference: Data) throws -> StoredKeyPackage? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM key_package_secrets WHERE reference = ?", arguments: [reference]).map {
                StoredKeyPackage(
                    reference: $0["reference"], cipherSuite: UInt16(truncatingIfNeeded: $0["cipher_suite"] as Int64), keyPackage: $0["key_package"],
                    sealedPrivateKeys: $0["private_keys"], lastResort: $0["last_resort"])
            }
        }
    }

    func hasLastResortKeyPackage() throws -> Bool {
        try queue.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM key_package_secrets WHERE last_resort = 1)") ?? false }
    }
}
