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

    static func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? -1
    }

    /// Review L9, home-directory part: an existing home is checked, not blindly chmodded.
    @Test func anExistingHomeIsCheckedBeforeItIsUsed() throws {
        let base = LiveRelay.temporaryDirectory("homes")
        defer { try? FileManager.default.removeItem(at: base) }
        let files = FileManager.default

        // A directory with other files in it, readable by others (a mistaken `--home ~`): refused, left as it was.
        let shared = base.appendingPathComponent("shared")
        try files.createDirectory(at: shared, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try Data("notes".utf8).write(to: shared.appendingPathComponent("notes.txt"))
        #expect(throws: LetterlockError.homeNotAccessible) { try DeviceStore(home: shared) }
        #expect(try Self.mode(shared) == 0o755)
        #expect(!files.fileExists(atPath: shared.appendingPathComponent(DeviceStore.fileName).path))

        // A symlink to a directory: refused, and nothing is written through it.
        let target = base.appendingPathComponent("target")
        try files.createDirectory(at: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let link = base.appendingPathComponent("link")
        try files.createSymbolicLink(at: link, withDestinationURL: target)
        #expect(throws: LetterlockError.homeNotAccessible) { try DeviceStore(home: link) }
        #expect(try files.contentsOfDirectory(atPath: target.path).isEmpty)

        // A database file that is a symlink: refused (O_NOFOLLOW), the target untouched.
        let planted = base.appendingPathComponent("planted")
        try files.createDirectory(at: planted, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let victim = base.appendingPathComponent("victim")
        try Data("victim".utf8).write(to: victim)
        try files.createSymbolicLink(at: planted.appendingPathComponent(DeviceStore.fileName), withDestinationURL: victim)
        #expect(throws: LetterlockError.homeNotAccessible) { try DeviceStore(home: planted) }
        #expect(try Data(contentsOf: victim) == Data("victim".utf8))

        // An empty directory others can read: taken, and tightened to 0700.
        let empty = base.appendingPathComponent("empty")
        try files.createDirectory(at: empty, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        _ = try DeviceStore(home: empty)
        #expect(try Self.mode(empty) == 0o700)
        // A Letterlock home loosened later: tightened again.
        try files.setAttributes([.posixPermissions: 0o750], ofItemAtPath: empty.path)
        _ = try DeviceStore(home: empty)
        #expect(try Self.mode(empty) == 0o700)
        // A new one is created 0700.
        let fresh = base.appendingPathComponent("new/state")
        _ = try DeviceStore(home: fresh)
        #expect(try Self.mode(fresh) == 0o700)
    }
}
