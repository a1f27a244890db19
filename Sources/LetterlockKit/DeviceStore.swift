public import Foundation
import GRDB

/// The device's local state: one SQLite file, `letterlock.sqlite`, in the home directory.
///
/// The directory is created with mode 0700 and the database file with 0600 before SQLite opens
/// it (SQLite gives its WAL and shared-memory files the database file's mode). WAL journal,
/// `synchronous = FULL` (each commit fsyncs the WAL, so a committed change survives a power cut),
/// foreign keys on, and every change in a transaction: a crash or power cut mid-write leaves the
/// previous committed state. The schema grows only by named, append-only migrations
/// (``migrator``). All SQL of the client lives in this type's files.
public final class DeviceStore: Sendable {
    public static let fileName = "letterlock.sqlite"

    let queue: DatabaseQueue
    public let home: URL

    /// `~/.letterlock`.
    public static var defaultHome: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".letterlock", isDirectory: true)
    }

    /// Opens (creating if needed) the state in `home` and migrates it to the current schema.
    public init(home: URL) throws {
        self.home = home
        let path = home.appendingPathComponent(Self.fileName).path
        do {
            try Self.prepareHome(home)
            // Never through a symlink planted in the home: the keys go into this very file.
            let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else { throw LetterlockError.homeNotAccessible }
            defer { close(descriptor) }
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else {
                throw LetterlockError.homeNotAccessible
            }
            fchmod(descriptor, 0o600)
        } catch let error as LetterlockError {
            throw error
        } catch {
            throw LetterlockError.homeNotAccessible
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.publicStatementArguments = false  // no user data in errors or logs
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(5)
        // Deleted and replaced rows (rotated tokens and secrets, removed contacts) are zeroed, not
        // left in free pages. This SQLite already defaults to it; pinned so a build without
        // SQLITE_SECURE_DELETE keeps the property.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        // GRDB lowers `synchronous` to NORMAL when it turns WAL on; FULL makes every commit durable.
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(queue)
    }

    /// Creates the home directory with mode 0700, or checks an existing one (review L9): it must
    /// be a directory itself (not a symlink to one), owned by this user. An existing directory
    /// others can read is tightened to 0700 only when it is empty or already a Letterlock home;
    /// any other directory (a home given by mistake, such as `~` itself) is refused unchanged.
    static func prepareHome(_ home: URL) throws {
        var info = stat()
        guard lstat(home.path, &info) == 0 else {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return
        }
        guard info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid() else { throw LetterlockError.homeNotAccessible }
        guard info.st_mode & 0o077 != 0 else { return }
        let contents = try FileManager.default.contentsOfDirectory(atPath: home.path)
        guard contents.allSatisfy({ $0.hasPrefix(fileName) }) else { throw LetterlockError.homeNotAccessible }
        guard chmod(home.path, 0o700) == 0 else { throw LetterlockError.homeNotAccessible }
    }

    /// Names of the applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try queue.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// A pragma's value as SQLite reports it (for tests and diagnostics).
    public func pragma(_ name: String) throws -> String? {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return try queue.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// The append-only schema history. Never edit a registered migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-21 device v1") { db in
            // One row: this device. Secrets are a JSON blob, sealed when a passphrase is set.
            try db.execute(
                sql: """
                    CREATE TABLE identity (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        relay_url TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        device_id TEXT NOT NULL,
                        username TEXT,
                        signing_public_key BLOB NOT NULL,
                        agreement_public_key BLOB NOT NULL,
                        secrets BLOB NOT NULL,
                        protection TEXT NOT NULL,
                        kdf_salt BLOB,
                        kdf_log_n INTEGER,
                        kdf_block_size INTEGER,
                        kdf_parallelism INTEGER,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE own_devices (
                        device_id TEXT PRIMARY KEY,
                        signing_key BLOB NOT NULL,
                        agreement_key BLOB
                    );
                    CREATE TABLE contacts (
                        account_id TEXT PRIMARY KEY,
                        username TEXT,
                        state TEXT NOT NULL CHECK (state IN ('outgoing', 'accepted')),
                        delivery_token BLOB,
                        added_at INTEGER NOT NULL,
                        devices_changed_at INTEGER
                    );
                    CREATE TABLE contact_devices (
                        account_id TEXT NOT NULL REFERENCES contacts(account_id) ON DELETE CASCADE,
                        device_id TEXT NOT NULL,
                        signing_key BLOB NOT NULL,
                        agreement_key BLOB,
                        PRIMARY KEY (account_id, device_id)
                    );
                    CREATE TABLE requests (
                        entry_id INTEGER PRIMARY KEY,
                        sender_account TEXT NOT NULL,
                        sender_username TEXT,
                        card BLOB NOT NULL,
                        received_at INTEGER NOT NULL
                    );
                    CREATE TABLE blocks (
                        account_id TEXT PRIMARY KEY,
                        blocked_at INTEGER NOT NULL
                    );
                    CREATE TABLE processed_entries (
                        entry_id INTEGER PRIMARY KEY,
                        processed_at INTEGER NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("2026-11-21 conversations v1") { db in try createConversationTables(db) }
        migrator.registerMigration("2026-11-21 contact secret") { db in
            // The key material of envelopes sealed to a contact, apart from the delivery token
            // the relay sees (docs/client.md, "Envelopes").
            try db.execute(sql: "ALTER TABLE contacts ADD COLUMN contact_secret BLOB")
            // The newest accepted card's signed time: replayed older cards are refused.
            try db.execute(sql: "ALTER TABLE contacts ADD COLUMN last_card_sent_at INTEGER")
        }
        migrator.registerMigration("2026-11-21 conversation recovery") { db in try createCommitRecoveryTables(db) }
        migrator.registerMigration("2026-11-21 first message") { db in
            // A request's first messages (docs/client.md, "First contact"): the encrypted
            // ``FirstMessage`` (JSON) to join on accept, and the texts read from it (JSON array).
            try db.execute(sql: "ALTER TABLE requests ADD COLUMN first_message BLOB")
            try db.execute(sql: "ALTER TABLE requests ADD COLUMN first_texts TEXT")
        }
        migrator.registerMigration("2026-11-21 outbox states") { db in
            // `attempts` counted re-sends and -1 meant "not delivered"; now `pending` says the
            // latest encryption has not gone out, `failed` that re-sending gave up (reported to
            // the user, never pruned silently), and `attempts` counts re-sends only.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN pending INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN failed INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: "UPDATE outbox SET pending = 1, attempts = 0 WHERE attempts < 0")
        }
        migrator.registerMigration("2026-11-21 early messages") { db in try createEarlyMessageTable(db) }
        migrator.registerMigration("2026-11-21 unsent requests") { db in try createUnsentRequestTable(db) }
        return migrator
    }
}
