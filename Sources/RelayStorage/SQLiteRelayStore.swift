import Foundation
import GRDB

/// The embedded default ``RelayStore``: SQLite through GRDB.
///
/// A `DatabasePool` in WAL mode (readers never block the single writer). Every connection runs
/// with `secure_delete=ON`, so deleted payloads are overwritten in the database file rather than
/// left in free pages, and with foreign keys enforced. The writer runs with `synchronous = FULL`,
/// so a committed (and acknowledged) transaction survives a power cut, not only a crash. The
/// schema grows only by named, append-only migrations (``SQLiteRelayStore/migrator``). All SQL of this driver lives in this
/// type's files.
public final class SQLiteRelayStore: RelayStore {
    let pool: DatabasePool
    /// Sends, acknowledgements and rate-limit counters: one transaction (and one WAL fsync) per
    /// batch of concurrent writes rather than per write (see ``GroupCommitWriter``).
    let groupCommit: GroupCommitWriter

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.publicStatementArguments = false  // never put user data into error messages or logs
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets `synchronous = NORMAL` when it enables WAL, after `prepareDatabase`: a commit
        // would then reach the disk only at the next checkpoint, and a power cut could lose a send
        // already answered 201. FULL fsyncs the WAL on every commit. Only the writer connection
        // writes, and it lives as long as the pool, so setting it once there is enough.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
        groupCommit = GroupCommitWriter(pool: pool)
    }

    /// Copies the WAL back into the database file and truncates the WAL, so that pages erased by
    /// `secure_delete` are not still readable in the log.
    public func checkpoint() async throws {
        try await pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Names of the applied migrations, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try Self.migrator.appliedMigrations(db) }
    }
}

extension Date {
    /// Whole seconds since 1970, the unit stored in every time column.
    var unixSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    init(unixSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(unixSeconds)) }
}
