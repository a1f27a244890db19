import Foundation
import GRDB
@testable import LetterlockKit
import Testing

/// Review L9: rotated tokens and secrets, removed contacts and blocks must not linger in the
/// database's free pages after they are replaced or deleted.
@Suite struct LocalStateHygieneTests {
    @Test func deletedRowsAreOverwrittenOnDisk() throws {
        let home = LiveRelay.temporaryDirectory("hygiene").appendingPathComponent("state")
        defer { try? FileManager.default.removeItem(at: home.deletingLastPathComponent()) }
        let store = try DeviceStore(home: home)
        let secureDelete = try store.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        #expect(secureDelete == 1)
    }
}
