import Foundation
import GRDB

/// Reads and writes of ``DeviceStore``. Each method is one transaction.
extension DeviceStore {
    struct StoredIdentity: Sendable {
        var identity: DeviceIdentity
        var secrets: Data
        var protection: KeyProtection?
    }

    func storedIdentity() throws -> StoredIdentity? {
        try queue.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM identity WHERE id = 1") else { return nil }
            let identity = DeviceIdentity(
                relayURL: row["relay_url"], accountID: row["account_id"], deviceID: row["device_id"], username: row["username"],
                signingPublicKey: row["signing_public_key"], agreementPublicKey: row["agreement_public_key"],
                createdAt: Date(timeIntervalSince1970: TimeInterval(row["created_at"] as Int64))
            )
            let scheme: String = row["protection"]
            let protection: KeyProtection?
            switch scheme {
            case "none": protection = nil
            case KeyProtection.schemeName:
                guard let salt: Data = row["kdf_salt"], let logN: Int = row["kdf_log_n"], let r: Int = row["kdf_block_size"],
                    let p: Int = row["kdf_parallelism"]
                else { throw LetterlockError.unsupportedStateVersion }
                protection = KeyProtection(salt: salt, logN: logN, blockSize: r, parallelism: p)
            default: throw LetterlockError.unsupportedStateVersion
            }
            return StoredIdentity(identity: identity, secrets: row["secrets"], protection: protection)
        }
    }

    func saveIdentity(_ stored: StoredIdentity) throws {
        try queue.write { db in
            let id = stored.identity
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO identity (id, relay_url, account_id, device_id, username, signing_public_key, agreement_public_key,
                        secrets, protection, kdf_salt, kdf_log_n, kdf_block_size, kdf_parallelism, created_at)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id.relayURL, id.accountID, id.deviceID, id.username, id.signingPublicKey, id.agreementPublicKey, stored.secrets,
                    stored.protection == nil ? "none" : KeyProtection.schemeName, stored.protection?.salt, stored.protection?.logN,
                    stored.protection?.blockSize, stored.protection?.parallelism, Int64(id.createdAt.timeIntervalSince1970),
                ]
            )
        }
    }

    // MARK: Own devices (other devices of this account, with their agreement keys)

    func ownDevices() throws -> [DeviceInfo] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM own_devices ORDER BY device_id").map {
                DeviceInfo(deviceID: $0["device_id"], signingKey: $0["signing_key"], agreementKey: $0["agreement_key"])
            }
        }
    }

    func replaceOwnDevices(_ devices: [DeviceInfo]) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM own_devices")
            for device in devices {
                try db.execute(
                    sql: "INSERT INTO own_devices (device_id, signing_key, agreement_key) VALUES (?, ?, ?)",
                    arguments: [device.deviceID, device.signingKey, device.agreementKey])
            }
        }
    }

    // MARK: Contacts

    public func contacts() throws -> [Contact] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM contacts ORDER BY COALESCE(username, account_id)").map { try Self.contact($0, db) }
        }
    }

    public func contact(_ accountID: String) throws -> Contact? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM contacts WHERE account_id = ?", arguments: [accountID]).map { try Self.contact($0, db) }
        }
    }

    /// The contact going by `username`; ``LetterlockError/ambiguousName`` when several do
    /// (usernames change, so two contacts can carry the same one: never pick one arbitrarily
    /// for a verify, a confirm or a block, review L7).
    public func contact(username: String) throws -> Contact? {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM contacts WHERE username = ? LIMIT 2", arguments: [username])
            guard rows.count < 2 else { throw LetterlockError.ambiguousName }
            return try rows.first.map { try Self.contact($0, db) }
        }
    }

    private static func contact(_ row: Row, _ db: Database) throws -> Contact {
        let account: String = row["account_id"]
        let devices = try Row.fetchAll(db, sql: "SELECT * FROM contact_devices WHERE account_id = ? ORDER BY device_id", arguments: [account]).map {
            DeviceInfo(deviceID: $0["device_id"], signingKey: $0["signing_key"], agreementKey: $0["agreement_key"])
        }
        let changed: Int64? = row["devices_changed_at"]
        var contact = Contact(
            accountID: account, username: row["username"], state: Contact.State(rawValue: row["state"]) ?? .outgoing,
            deliveryToken: row["delivery_token"], contactSecret: row["contact_secret"], devices: devices,
            addedAt: Date(timeIntervalSince1970: TimeInterval(row["added_at"] as Int64)),
            devicesChangedAt: changed.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        )
        contact.lastCardSentAt = row["last_card_sent_at"]
        return contact
    }

    /// Inserts or replaces a contact and its known device set, atomically.
    func saveContact(_ contact: Contact) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO contacts (account_id, username, state, delivery_token, contact_secret, added_at, devices_changed_at,
                        last_card_sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id) DO UPDATE SET username = excluded.username, state = excluded.state,
                        delivery_token = excluded.delivery_token, contact_secret = excluded.contact_secret,
                        devices_changed_at = excluded.devices_changed_at, last_card_sent_at = excluded.last_card_sent_at
                    """,
                arguments: [
                    contact.accountID, contact.username, contact.state.rawValue, contact.deliveryToken, contact.contactSecret,
                    Int64(contact.addedAt.timeIntervalSince1970),
                    contact.devicesChangedAt.map { Int64($0.timeIntervalSince1970) }, contact.lastCardSentAt,
                ]
            )
            try db.execute(sql: "DELETE FROM contact_devices WHERE account_id = ?", arguments: [contact.accountID])
            for device in contact.devices {
                try db.execute(
                    sql: "INSERT INTO contact_devices (account_id, device_id, signing_key, agreement_key) VALUES (?, ?, ?, ?)",
                    arguments: [contact.accountID, device.deviceID, device.signingKey, device.agreementKey]
                )
            }
        }
    }

    func removeContact(_ accountID: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM contacts WHERE account_id = ?", arguments: [accountID]) }
    }

    // MARK: Requests

    public func pendingRequests() throws -> [PendingRequest] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM requests ORDER BY entry_id").compactMap { row in
                guard let card = try? JSONDecoder().decode(ContactCard.self, from: row["card"] as Data) else { return nil }
                let texts = (row["first_texts"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
                return PendingRequest(
                    entryID: row["entry_id"], senderAccount: row["sender_account"], senderUsername: row["sender_username"], card: card,
                    receivedAt: Date(timeIntervalSince1970: TimeInterval(row["received_at"] as Int64)), firstMessages: texts ?? []
                )
            }
        }
    }

    /// Saves a request; `firstMessage` is the encrypted first message it carried, if it could be read.
    func savePendingRequest(_ request: PendingRequest, firstMessage: FirstMessage? = nil) throws {
        let card = try JSONEncoder().encode(request.card)
        let first = try firstMessage.map { try JSONEncoder().encode($0) }
        let texts = firstMessage == nil ? nil : String(decoding: try JSONEncoder().encode(request.firstMessages), as: UTF8.self)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO requests (entry_id, sender_account, sender_username, card, received_at, first_message, first_texts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    request.entryID, request.senderAccount, request.senderUsername, card, Int64(request.receivedAt.timeIntervalSince1970), first, texts,
                ]
            )
        }
    }

    /// The encrypted first message a pending request carried.
    func firstMessage(ofRequest entryID: Int64) throws -> FirstMessage? {
        try queue.read { db in
            try Data.fetchOne(db, sql: "SELECT first_message FROM requests WHERE entry_id = ?", arguments: [entryID])
                .flatMap { try? JSONDecoder().decode(FirstMessage.self, from: $0) }
        }
    }

    func removePendingRequests(from account: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM requests WHERE sender_account = ?", arguments: [account]) }
    }

    func removePendingRequest(_ entryID: Int64) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM requests WHERE entry_id = ?", arguments: [entryID]) }
    }

    // MARK: Blocks

    public func blockedAccounts() throws -> [String] {
        try queue.read { db in try String.fetchAll(db, sql: "SELECT account_id FROM blocks ORDER BY blocked_at, account_id") }
    }

    public func isBlocked(_ account: String) throws -> Bool {
        try queue.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM blocks WHERE account_id = ?)", arguments: [account]) ?? false
        }
    }

    /// Records a block and drops everything pending from that account, in one transaction.
    func saveBlock(_ account: String, at date: Date) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO blocks (account_id, blocked_at) VALUES (?, ?)", arguments: [account, Int64(date.timeIntervalSince1970)])
            try db.execute(sql: "DELETE FROM requests WHERE sender_account = ?", arguments: [account])
        }
    }

    func removeBlock(_ account: String) throws {
        try queue.write { db in try db.execute(sql: "DELETE FROM blocks WHERE account_id = ?", arguments: [account]) }
    }

    // MARK: Processed entries (client-side deduplication of at-least-once delivery)

    func wasProcessed(_ entryID: Int64) throws -> Bool {
        try queue.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM processed_entries WHERE entry_id = ?)", arguments: [entryID]) ?? false
        }
    }

    func markProcessed(_ entryID: Int64, at date: Date) throws {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO processed_entries (entry_id, processed_at) VALUES (?, ?)",
                arguments: [entryID, Int64(date.timeIntervalSince1970)])
        }
    }

    func forgetProcessedEntries(before date: Date) throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM processed_entries WHERE processed_at < ?", arguments: [Int64(date.timeIntervalSince1970)])
        }
    }
}
