import Foundation
import GRDB

/// The embedded default ``RelayStore``: SQLite through GRDB.
///
/// A `DatabasePool` in WAL mode (readers never block the single writer). Every connection runs
/// with `secure_delete=ON`, so deleted payloads are overwritten in the database file rather than
/// left in free pages, and with foreign keys enforced. The schema grows only by named,
/// append-only migrations (``SQLiteRelayStore/migrator``). All SQL of this driver lives in this
/// type's files.
public final class SQLiteRelayStore: RelayStore {
    let pool: DatabasePool

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
        try Self.migrator.migrate(pool)
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
