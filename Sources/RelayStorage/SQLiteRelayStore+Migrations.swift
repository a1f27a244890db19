import GRDB

extension SQLiteRelayStore {
    /// The schema, as named migrations that are only ever appended to (never edited once merged).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21 relay v1: accounts, devices, key packages, mailboxes, tokens, blocks, limits") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
                        username TEXT UNIQUE CHECK (username IS NULL OR length(username) BETWEEN 1 AND 64),
                        created_at INTEGER NOT NULL
                    ) STRICT;

                    CREATE TABLE devices (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
                        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        public_key BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
                        created_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX devices_by_account ON devices(account_id, created_at);

                    CREATE TABLE key_packages (
                        id INTEGER PRIMARY KEY,
                        device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                        cipher_suite INTEGER NOT NULL CHECK (cipher_suite BETWEEN 0 AND 65535),
                        last_resort INTEGER NOT NULL CHECK (last_resort IN (0, 1)),
                        data BLOB NOT NULL CHECK (length(data) > 0)
                    ) STRICT;
                    CREATE INDEX key_packages_by_claim ON key_packages(device_id, cipher_suite, last_resort, id);
                    CREATE UNIQUE INDEX key_packages_one_last_resort ON key_packages(device_id, cipher_suite) WHERE last_resort = 1;

                    -- One row per send; each recipient's entry points at it. Erased with its last entry.
                    CREATE TABLE messages (
                        id INTEGER PRIMARY KEY,
                        payload BLOB NOT NULL
                    ) STRICT;

                    -- AUTOINCREMENT: entry ids are never reused, so clients can drop duplicates by id.
                    CREATE TABLE mailbox_entries (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                        message_id INTEGER NOT NULL REFERENCES messages(id),
                        queue INTEGER NOT NULL CHECK (queue IN (0, 1)),
                        sender_account_id TEXT CHECK ((queue = 1) = (sender_account_id IS NOT NULL)),
                        received_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX mailbox_entries_by_device ON mailbox_entries(device_id, queue, id);
                    CREATE INDEX mailbox_entries_by_message ON mailbox_entries(message_id);
                    CREATE INDEX mailbox_entries_by_expiry ON mailbox_entries(expires_at);
                    CREATE INDEX mailbox_entries_by_sender ON mailbox_entries(sender_account_id) WHERE sender_account_id IS NOT NULL;

                    CREATE TRIGGER mailbox_entries_erase_message AFTER DELETE ON mailbox_entries
                    WHEN NOT EXISTS (SELECT 1 FROM mailbox_entries WHERE message_id = OLD.message_id)
                    BEGIN
                        DELETE FROM messages WHERE id = OLD.message_id;
                    END;

                    CREATE TABLE commit_claims (
                        group_id BLOB NOT NULL CHECK (length(group_id) BETWEEN 1 AND 255),
                        epoch INTEGER NOT NULL,
                        payload_hash BLOB NOT NULL CHECK (length(payload_hash) = 32),
                        expires_at INTEGER NOT NULL,
                        PRIMARY KEY (group_id, epoch)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX commit_claims_by_expiry ON commit_claims(expires_at);

                    CREATE TABLE delivery_tokens (
                        account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        token_hash BLOB NOT NULL CHECK (length(token_hash) = 32),
                        rotated_at INTEGER NOT NULL
                    ) STRICT;

                    CREATE TABLE blocks (
                        blocker_account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        blocked_account_id TEXT NOT NULL CHECK (length(blocked_account_id) = 32),
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (blocker_account_id, blocked_account_id)
                    ) STRICT, WITHOUT ROWID;

                    CREATE TABLE rate_limits (
                        key TEXT NOT NULL,
                        window_seconds INTEGER NOT NULL CHECK (window_seconds > 0),
                        window_start INTEGER NOT NULL,
                        count INTEGER NOT NULL CHECK (count >= 0),
                        PRIMARY KEY (key, window_seconds, window_start)
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("2026-11-21 relay v2: blobs and resumable uploads") { db in
            try db.execute(
                sql: """
                    -- One row per (blob, owner): the same ciphertext held by two accounts counts
                    -- against both quotas and lives until the last reference goes.
                    CREATE TABLE blobs (
                        id TEXT NOT NULL CHECK (length(id) = 64),
                        owner_account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        PRIMARY KEY (id, owner_account_id)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX blobs_by_owner ON blobs(owner_account_id);
                    CREATE INDEX blobs_by_expiry ON blobs(expires_at);

                    CREATE TABLE blob_uploads (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
                        owner_account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                        offset INTEGER NOT NULL CHECK (offset BETWEEN 0 AND size),
                        expires_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX blob_uploads_by_owner ON blob_uploads(owner_account_id);
                    """
            )
        }
        migrator.registerMigration("2026-11-21 relay v3: per-device commit claims, mailbox byte counts, no blocks of deleted accounts") { db in
            try db.execute(
                sql: """
                    -- A commit claim binds the devices the commit was delivered to, not the whole
                    -- group id, which is unauthenticated (review H2). Claims of v1 named no device:
                    -- they are dropped (at worst a commit racing the upgrade is not ordered).
                    DROP TABLE commit_claims;
                    CREATE TABLE commit_claims (
                        group_id BLOB NOT NULL CHECK (length(group_id) BETWEEN 1 AND 255),
                        device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                        epoch INTEGER NOT NULL,
                        payload_hash BLOB NOT NULL CHECK (length(payload_hash) = 32),
                        expires_at INTEGER NOT NULL,
                        PRIMARY KEY (group_id, device_id, epoch)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX commit_claims_by_expiry ON commit_claims(expires_at);
                    CREATE INDEX commit_claims_by_device ON commit_claims(device_id);

                    -- Bytes queued per device, kept by triggers, so that a per-account byte cap
                    -- costs a few row reads per send (review M4).
                    ALTER TABLE mailbox_entries ADD COLUMN payload_size INTEGER NOT NULL DEFAULT 0;
                    UPDATE mailbox_entries SET payload_size = (SELECT length(payload) FROM messages WHERE id = message_id);
                    CREATE TABLE mailbox_usage (
                        device_id TEXT PRIMARY KEY NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                        bytes INTEGER NOT NULL CHECK (bytes >= 0)
                    ) STRICT, WITHOUT ROWID;
                    INSERT INTO mailbox_usage (device_id, bytes)
                        SELECT device_id, SUM(payload_size) FROM mailbox_entries GROUP BY device_id;
                    CREATE TRIGGER mailbox_entries_count_bytes AFTER INSERT ON mailbox_entries
                    BEGIN
                        INSERT OR IGNORE INTO mailbox_usage (device_id, bytes) VALUES (NEW.device_id, 0);
                        UPDATE mailbox_usage SET bytes = bytes + NEW.payload_size WHERE device_id = NEW.device_id;
                    END;
                    CREATE TRIGGER mailbox_entries_uncount_bytes AFTER DELETE ON mailbox_entries
                    BEGIN
                        UPDATE mailbox_usage SET bytes = bytes - OLD.payload_size WHERE device_id = OLD.device_id;
                    END;

                    -- Blocks naming an account that no longer exists protect nobody (ids are
                    -- random and never reused): they go with the account (review L6).
                    DELETE FROM blocks WHERE blocked_account_id NOT IN (SELECT id FROM accounts);
                    CREATE INDEX blocks_by_blocked ON blocks(blocked_account_id);
                    """
            )
        }
        migrator.registerMigration("2026-11-21 relay v4: request nonces kept across restarts") { db in
            try db.execute(
                sql: """
                    -- The nonce of every accepted signed request until its timestamp can no longer
                    -- pass (twice the allowed skew), so a captured request cannot be replayed after
                    -- a restart or to another node (relay review L2). Removed with the device.
                    CREATE TABLE request_nonces (
                        device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                        nonce TEXT NOT NULL CHECK (length(nonce) BETWEEN 1 AND 64),
                        expires_at INTEGER NOT NULL,
                        PRIMARY KEY (device_id, nonce)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX request_nonces_by_expiry ON request_nonces(expires_at);
                    """
            )
        }
        migrator.registerMigration("2026-11-21 relay v5: blob uploads declare their content address at completion") { db in
            try db.execute(
                sql: """
                    -- Version 2 blob addresses hash each 4 MiB part (docs/file-format.md, "Content
                    -- address"); the client declares the address when it completes the upload, so
                    -- the up-front SHA-256 becomes optional (kept for uploads begun before).
                    CREATE TABLE blob_uploads_v5 (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
                        owner_account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
                        offset INTEGER NOT NULL CHECK (offset BETWEEN 0 AND size),
                        expires_at INTEGER NOT NULL
                    ) STRICT;
                    INSERT INTO blob_uploads_v5 (id, owner_account_id, size, sha256, offset, expires_at)
                        SELECT id, owner_account_id, size, sha256, offset, expires_at FROM blob_uploads;
                    DROP TABLE blob_uploads;
                    ALTER TABLE blob_uploads_v5 RENAME TO blob_uploads;
                    CREATE INDEX blob_uploads_by_owner ON blob_uploads(owner_account_id);
                    """
            )
        }
        return migrator
    }
}
