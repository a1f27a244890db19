import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Relay
import RelayAPI
import RelayStorage
import Testing

/// The WebSocket `ack` path with the deletion running behind the session (``PushAcknowledgements``),
/// on the SQLite store whose group commit carries it.
@Suite struct PushAckPathTests {
    /// A store in a fresh directory, and a second connection to the same file for the test to
    /// interfere through.
    struct Fixture {
        let directory: URL
        let path: String
        let store: SQLiteRelayStore

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-push-ack-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent("relay.sqlite").path
            store = try SQLiteRelayStore(path: path)
        }

        func saboteur() throws -> DatabaseQueue {
            var configuration = GRDB.Configuration()
            configuration.allowsUnsafeTransactions = true  // holds the write lock across calls
            return try DatabaseQueue(path: path, configuration: configuration)
        }
    }

    /// The ack frees its window slot before its deletion commits; the sender then reads the store
    /// again, where an entry acknowledged but not yet deleted still is. It must not be pushed
    /// again on this session. Here the device acks B, which it has not been pushed yet (it knows
    /// the id, say from an HTTP fetch), while another connection holds the write lock.
    @Test func anEntryAcknowledgedButNotYetDeletedIsNotPushedAgain() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        var configuration = Relay.Configuration()
        configuration.webSocketWindow = 1
        let harness = RelayHarness(configuration: configuration, store: fixture.store)
        try await WebSocketPushTests.liveApplication(harness).test(.live) { client in
            let http = RelayTestClient(client: client, clock: harness.clock)
            let bob = try await http.register()
            let token = try await http.rotateToken(bob)
            let bobID = try #require(DeviceID(rawValue: bob.deviceID))
            for name in ["A", "B"] { _ = try await http.sealed(MLSMessageBuilder.welcome(name), to: [(bob, token)]) }
            let saboteur = try fixture.saboteur()
            let ids = try await saboteur.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM mailbox_entries WHERE device_id = ? ORDER BY id", arguments: [bob.deviceID])
            }
            try #require(ids.count == 2)

            try await WebSocketPushTests.connect(client, as: bob) { outbound, received in
                try await received.wait("entry A") { $0.compactMap(\.entry).count == 1 }
                try await saboteur.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
                try await WebSocketPushTests.write(PushFrame(type: "ack", ids: ids), on: outbound)
                // The window is free; B is still in the store (its deletion waits for the lock).
                try await Task.sleep(for: .milliseconds(500))
                #expect(received.entries.map(\.id) == [ids[0]], "B was acknowledged: not pushed")
                try await saboteur.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
                try await WebSocketPushTests().waitForDepth(harness.store, bobID, 0)
                _ = try await http.sealed(MLSMessageBuilder.welcome("C"), to: [(bob, token)])
                try await received.wait("entry C") { $0.compactMap(\.entry).count == 2 }
                #expect(received.entries.map(\.payload) == ["A", "C"].map { MLSMessageBuilder.welcome($0) })
            }
            try await saboteur.close()
        }
    }

    /// A deletion that fails leaves its entries in the store: the session is told and closed, and
    /// the entries come again, with the same ids, on the next session.
    @Test func aFailedAcknowledgementEndsTheSessionAndTheEntriesComeAgain() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let harness = RelayHarness(store: fixture.store)
        try await WebSocketPushTests.liveApplication(harness).test(.live) { client in
            let http = RelayTestClient(client: client, clock: harness.clock)
            let bob = try await http.register()
            let token = try await http.rotateToken(bob)
            let bobID = try #require(DeviceID(rawValue: bob.deviceID))
            _ = try await http.sealed(MLSMessageBuilder.welcome("kept"), to: [(bob, token)])
            let saboteur = try fixture.saboteur()
            try await saboteur.write { db in
                try db.execute(sql: "CREATE TRIGGER refuse_delete BEFORE DELETE ON mailbox_entries BEGIN SELECT RAISE(ABORT, 'refused'); END")
            }

            let id = try await saboteur.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM mailbox_entries") }
            try await WebSocketPushTests.connect(client, as: bob) { outbound, received in
                try await received.wait("the entry") { $0.compactMap(\.entry).count == 1 }
                #expect(received.entries.map(\.id) == [id])
                try await WebSocketPushTests.write(PushFrame(type: "ack", ids: received.entries.map(\.id)), on: outbound)
                try await received.wait("an error frame") { $0.contains { $0.type == "error" && $0.code == "internal_error" } }
            }
            #expect(try await harness.store.mailboxDepth(of: bobID) == 1)

            try await saboteur.write { db in try db.execute(sql: "DROP TRIGGER refuse_delete") }
            try await WebSocketPushTests.connect(client, as: bob) { outbound, received in
                try await received.wait("the entry again") { $0.compactMap(\.entry).count == 1 }
                #expect(received.entries.map(\.payload) == [MLSMessageBuilder.welcome("kept")])
                #expect(received.entries.map(\.id) == [id])
                try await WebSocketPushTests.write(PushFrame(type: "ack", ids: received.entries.map(\.id)), on: outbound)
            }
            try await WebSocketPushTests().waitForDepth(harness.store, bobID, 0)
            try await saboteur.close()
        }
    }
}
