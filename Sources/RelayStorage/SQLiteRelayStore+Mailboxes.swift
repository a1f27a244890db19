public import Foundation
import GRDB

// MARK: - MailboxStore

extension SQLiteRelayStore {
    public func deliver(_ delivery: Delivery, stored: (@Sendable ([MailboxEntry]) -> Void)?) async throws -> DeliveryOutcome {
        guard Set(delivery.recipients).count == delivery.recipients.count,
            (delivery.queue == .requests) == (delivery.sender != nil),
            delivery.deliveryTokenHashes.map({ $0.count == delivery.recipients.count }) ?? true
        else { throw RelayStorageError.invalidValue }
        let (outcome, _) = try await groupCommit.write(
            { db in try Self.deliver(delivery, db) },
            committed: { _, entries in if !entries.isEmpty { stored?(entries) } }
        )
        return outcome
    }

    /// The delivery's writer job: every check and the inserts, in the batch's transaction.
    /// Returns the outcome and the stored entries (as a read would give them back).
    ///
    /// The checks run in the order they always have: the device and token of every recipient,
    /// commit claims, the entry limit, the byte limit; so each refusal is the same. The first
    /// statement per recipient reads only its account and the account's current token hash, and
    /// the token is checked before anything else is read: a send with a wrong token costs one
    /// point lookup per recipient, and its answer time does not depend on how much mail waits
    /// for the device (session 5 review M1). A second statement per recipient served reads its
    /// queue's entries and its account's queued bytes. Nothing is written between the reads and
    /// the checks, so the values are those the checks would read.
    private static func deliver(_ delivery: Delivery, _ db: Database) throws -> (DeliveryOutcome, [MailboxEntry]) {
        let identify = try db.cachedStatement(
            sql: "SELECT d.account_id, t.token_hash FROM devices d LEFT JOIN delivery_tokens t ON t.account_id = d.account_id WHERE d.id = ?"
        )
        // The account of each recipient, in the order of `delivery.recipients`.
        var accounts: [String] = []
        accounts.reserveCapacity(delivery.recipients.count)
        for (index, recipient) in delivery.recipients.enumerated() {
            guard let row = try Row.fetchOne(identify, arguments: [recipient.rawValue]) else {
                throw RelayStorageError.unknownDevice
            }
            if let presented = delivery.deliveryTokenHashes, !Delivery.tokenHashMatches(presented[index], row[1]) {
                throw RelayStorageError.recipientNotAuthorized
            }
            accounts.append(row[0])
        }
        var recipients = delivery.recipients
        // The positions in `delivery.recipients` of the recipients served.
        var served = Array(delivery.recipients.indices)
        if let claim = delivery.commit {
            recipients = try Self.unservedRecipients(db, of: claim, among: delivery.recipients)
            if recipients.isEmpty { return (.duplicateCommit, []) }
            let position = Dictionary(uniqueKeysWithValues: delivery.recipients.enumerated().map { ($1, $0) })
            served = recipients.compactMap { position[$0] }
        }
        if delivery.mailboxLimit != nil || delivery.accountByteLimit != nil {
            // One statement per recipient served reads its queue's entries and its account's
            // queued bytes.
            let usage = try db.cachedStatement(
                sql: """
                    SELECT (SELECT COUNT(*) FROM mailbox_entries WHERE device_id = ?1 AND queue = ?2),
                        (SELECT COALESCE(SUM(u.bytes), 0) FROM mailbox_usage u JOIN devices d ON d.id = u.device_id WHERE d.account_id = ?3)
                    """
            )
            var queuedEntries: [Int] = []
            // Per account: the bytes queued, and how many of its devices the send adds the payload to.
            var perAccount: [String: (queued: Int64, devices: Int64)] = [:]
            for index in served {
                guard let row = try Row.fetchOne(usage, arguments: [delivery.recipients[index].rawValue, delivery.queue.rawValue, accounts[index]])
                else { throw RelayStorageError.invalidValue }
                queuedEntries.append(row[0])
                perAccount[accounts[index], default: (row[1], 0)].devices += 1
            }
            if let limit = delivery.mailboxLimit, queuedEntries.contains(where: { $0 >= limit }) {
                throw RelayStorageError.mailboxFull
            }
            if let limit = delivery.accountByteLimit {
                for (queued, devices) in perAccount.values where queued + Int64(delivery.payload.count) * devices > limit {
                    throw RelayStorageError.mailboxFull
                }
            }
        }
        if let sender = delivery.sender, try Self.isBlocked(sender, byAnyOf: Set(accounts), db) {
            // Dropped, but only after every check a stored request passes, and with a write of
            // the same size undone in the same transaction, so that the batch commits (and
            // fsyncs) as for a delivery: neither the answer nor its time tells of the block.
            try db.cachedStatement(sql: "INSERT INTO messages (payload) VALUES (?)").execute(arguments: [delivery.payload])
            try db.cachedStatement(sql: "DELETE FROM messages WHERE id = ?").execute(arguments: [db.lastInsertedRowID])
            return (.delivered([]), [])
        }
        if let claim = delivery.commit {
            for recipient in recipients {
                try db.execute(
                    sql: "INSERT INTO commit_claims (group_id, device_id, epoch, payload_hash, expires_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        claim.groupID, recipient.rawValue, Int64(bitPattern: claim.epoch), claim.payloadHash, claim.expiresAt.unixSeconds,
                    ]
                )
            }
        }
        try db.cachedStatement(sql: "INSERT INTO messages (payload) VALUES (?)").execute(arguments: [delivery.payload])
        let message = db.lastInsertedRowID
        // Times are stored in whole seconds: the entries handed on carry them as stored.
        let receivedAt = Date(unixSeconds: delivery.receivedAt.unixSeconds)
        let expiresAt = Date(unixSeconds: delivery.expiresAt.unixSeconds)
        var entries: [MailboxEntry] = []
        entries.reserveCapacity(recipients.count)
        for recipient in recipients {
            try db.cachedStatement(
                sql: """
                    INSERT INTO mailbox_entries (device_id, message_id, queue, sender_account_id, received_at, expires_at, payload_size)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    recipient.rawValue, message, delivery.queue.rawValue, delivery.sender?.rawValue,
                    delivery.receivedAt.unixSeconds, delivery.expiresAt.unixSeconds, delivery.payload.count,
                ]
            )
            entries.append(
                MailboxEntry(
                    id: MailboxEntryID(db.lastInsertedRowID), deviceID: recipient, queue: delivery.queue, payload: delivery.payload,
                    sender: delivery.sender, receivedAt: receivedAt, expiresAt: expiresAt
                )
            )
        }
        return (.delivered(entries.map(\.id)), entries)
    }

    /// Whether one of `accounts` has blocked `sender`.
    private static func isBlocked(_ sender: AccountID, byAnyOf accounts: Set<String>, _ db: Database) throws -> Bool {
        try accounts.sorted().contains { try isBlocked(sender.rawValue, by: $0, db) }
    }

    /// Whether `blocker` has blocked `blocked` (account ids).
    private static func isBlocked(_ blocked: String, by blocker: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM blocks WHERE blocker_account_id = ? AND blocked_account_id = ?"),
            arguments: [blocker, blocked]) != nil
    }

    /// The recipients a commit still has to reach: those holding no claim for its (group, epoch).
    /// Throws if one holds a claim for another commit, or if the epoch is more than one past
    /// the highest epoch any recipient holds a claim for in this group (see ``CommitClaim``).
    private static func unservedRecipients(_ db: Database, of claim: CommitClaim, among recipients: [DeviceID]) throws -> [DeviceID] {
        let epoch = Int64(bitPattern: claim.epoch)
        var unserved: [DeviceID] = []
        var highest: UInt64?
        for recipient in recipients {
            if let existing = try Data.fetchOne(
                db, sql: "SELECT payload_hash FROM commit_claims WHERE group_id = ? AND device_id = ? AND epoch = ?",
                arguments: [claim.groupID, recipient.rawValue, epoch]
            ) {
                guard existing == claim.payloadHash else { throw RelayStorageError.commitConflict }
                continue
            }
            unserved.append(recipient)
            // Epochs are stored as the bit pattern of a UInt64: the negative ones are the
            // largest, so order by sign first.
            if let top = try Int64.fetchOne(
                db,
                sql: "SELECT epoch FROM commit_claims WHERE group_id = ? AND device_id = ? ORDER BY epoch < 0 DESC, epoch DESC LIMIT 1",
                arguments: [claim.groupID, recipient.rawValue]
            ).map({ UInt64(bitPattern: $0) }) {
                highest = max(highest ?? top, top)
            }
        }
        if let highest, claim.epoch > highest, claim.epoch - highest > 1 { throw RelayStorageError.commitEpochAhead }
        return unserved
    }

    public func entries(for device: DeviceID, queue: MailboxQueue, after: MailboxEntryID?, limit: Int) async throws -> [MailboxEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT e.id, e.device_id, e.queue, e.sender_account_id, e.received_at, e.expires_at, m.payload
                        FROM mailbox_entries e JOIN messages m ON m.id = e.message_id
                        WHERE e.device_id = ? AND e.queue = ? AND e.id > ? ORDER BY e.id LIMIT ?
                        """),
                arguments: [device.rawValue, queue.rawValue, after?.rawValue ?? 0, max(0, limit)]
            ).compactMap(Self.entry(from:))
        }
    }

    public func entry(_ id: MailboxEntryID, for device: DeviceID) async throws -> MailboxEntry? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT e.id, e.device_id, e.queue, e.sender_account_id, e.received_at, e.expires_at, m.payload
                    FROM mailbox_entries e JOIN messages m ON m.id = e.message_id
                    WHERE e.device_id = ? AND e.id = ?
                    """,
                arguments: [device.rawValue, id.rawValue]
            ).flatMap(Self.entry(from:))
        }
    }

    public func acknowledge(_ ids: [MailboxEntryID], for device: DeviceID) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await groupCommit.write { db in try Self.acknowledge(ids, for: device, db) }
    }

    /// The job runs in the next group-commit batch; `completion` runs on GRDB's writer queue once
    /// it is committed, so the caller waits on nothing and no task is woken for it.
    public func acknowledge(_ ids: [MailboxEntryID], for device: DeviceID, completion: @escaping @Sendable (Result<Int, any Error>) -> Void) {
        guard !ids.isEmpty else { return completion(.success(0)) }
        groupCommit.submit({ db in try Self.acknowledge(ids, for: device, db) }, completion: completion)
    }

    /// The acknowledgement's writer job: deletes the device's entries among `ids`.
    private static func acknowledge(_ ids: [MailboxEntryID], for device: DeviceID, _ db: Database) throws -> Int {
        var deleted = 0
        let delete = try db.cachedStatement(sql: "DELETE FROM mailbox_entries WHERE id = ? AND device_id = ?")
        for id in Set(ids) {
            try delete.execute(arguments: [id.rawValue, device.rawValue])
            deleted += db.changesCount
        }
        return deleted
    }

    public func removeRequests(from sender: AccountID, to recipient: AccountID) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    DELETE FROM mailbox_entries WHERE queue = 1 AND sender_account_id = ?
                    AND device_id IN (SELECT id FROM devices WHERE account_id = ?)
                    """,
                arguments: [sender.rawValue, recipient.rawValue]
            )
            return db.changesCount
        }
    }

    public func mailboxDepth(of device: DeviceID) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mailbox_entries WHERE device_id = ?", arguments: [device.rawValue]) ?? 0
        }
    }

    public func expireEntries(now: Date) async throws -> Int {
        // Expiry compares whole seconds: an entry expiring at second S is gone from S on.
        let cutoff = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM mailbox_entries WHERE expires_at <= ?", arguments: [cutoff])
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM commit_claims WHERE expires_at <= ?", arguments: [cutoff])
            return deleted
        }
    }

    private static func entry(from row: Row) -> MailboxEntry? {
        guard let device = DeviceID(rawValue: row["device_id"]), let queue = MailboxQueue(rawValue: row["queue"]) else { return nil }
        let sender: String? = row["sender_account_id"]
        return MailboxEntry(
            id: MailboxEntryID(row["id"]), deviceID: device, queue: queue, payload: row["payload"],
            sender: sender.flatMap(AccountID.init(rawValue:)), receivedAt: Date(unixSeconds: row["received_at"]),
            expiresAt: Date(unixSeconds: row["expires_at"])
        )
    }
}

// MARK: - DeliveryTokenStore, BlockStore, RateLimitStore

extension SQLiteRelayStore {
    public func setDeliveryTokenHash(_ hash: Data, for account: AccountID, at date: Date) async throws {
        guard hash.count == 32 else { throw RelayStorageError.invalidValue }
        try await pool.write { db in
            guard try Self.exists(db, "SELECT 1 FROM accounts WHERE id = ?", [account.rawValue]) else { throw RelayStorageError.unknownAccount }
            try db.execute(
                sql: """
                    INSERT INTO delivery_tokens (account_id, token_hash, rotated_at) VALUES (?, ?, ?)
                    ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash, rotated_at = excluded.rotated_at
                    """,
                arguments: [account.rawValue, hash, date.unixSeconds]
            )
        }
    }

    public func block(_ blocked: AccountID, by blocker: AccountID, at date: Date) async throws {
        try await pool.write { db in
            guard try Self.exists(db, "SELECT 1 FROM accounts WHERE id = ?", [blocker.rawValue]) else { throw RelayStorageError.unknownAccount }
            try db.execute(
                sql: "INSERT INTO blocks (blocker_account_id, blocked_account_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [blocker.rawValue, blocked.rawValue, date.unixSeconds]
            )
        }
    }

    public func unblock(_ blocked: AccountID, by blocker: AccountID) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM blocks WHERE blocker_account_id = ? AND blocked_account_id = ?",
                arguments: [blocker.rawValue, blocked.rawValue]
            )
        }
    }

    public func blockedAccounts(by blocker: AccountID) async throws -> [AccountID] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT blocked_account_id FROM blocks WHERE blocker_account_id = ? ORDER BY blocked_account_id",
                arguments: [blocker.rawValue]
            ).compactMap(AccountID.init(rawValue:))
        }
    }

    public func consumeRateLimit(_ key: String, cost: Int, windows: [RateLimitWindow], now: Date) async throws -> Bool {
        guard cost >= 0 else { throw RelayStorageError.invalidValue }
        return try await groupCommit.write { db in try Self.consumeRateLimit(db, key, cost: cost, windows: windows, now: now) }
    }

    /// The body of ``consumeRateLimit(_:cost:windows:now:)``, inside the caller's transaction.
    static func consumeRateLimit(_ db: Database, _ key: String, cost: Int, windows: [RateLimitWindow], now: Date) throws -> Bool {
        let seconds = now.unixSeconds
        let starts = windows.map { seconds - seconds.modulo($0.seconds) }
        for (window, start) in zip(windows, starts) {
            let count =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT count FROM rate_limits WHERE key = ? AND window_seconds = ? AND window_start = ?"),
                    arguments: [key, window.seconds, start]
                ) ?? 0
            if count > window.limit - cost { return false }
        }
        for (window, start) in zip(windows, starts) {
            try db.cachedStatement(
                sql: """
                    INSERT INTO rate_limits (key, window_seconds, window_start, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT (key, window_seconds, window_start) DO UPDATE SET count = count + excluded.count
                    """
            ).execute(arguments: [key, window.seconds, start, cost])
        }
        return true
    }

    public func purgeRateLimits(now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM rate_limits WHERE window_start + window_seconds <= ?", arguments: [now.unixSeconds])
        }
    }

    public func deleteRateLimits(naming subjects: [String]) async throws {
        guard !subjects.isEmpty else { return }
        try await pool.write { db in
            // instr, not LIKE: a subject may hold LIKE's wildcards. A key is "a:b:c"; wrapping
            // it in colons makes every component ":x:".
            for subject in Set(subjects) where !subject.isEmpty {
                try db.execute(sql: "DELETE FROM rate_limits WHERE instr(':' || key || ':', ':' || ? || ':') > 0", arguments: [subject])
            }
        }
    }
}
