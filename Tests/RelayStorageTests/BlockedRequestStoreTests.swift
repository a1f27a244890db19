import Foundation
import GRDB
@testable import RelayStorage
import Testing

/// Session 4 review H1: the store, not the route, drops a blocked sender's request, after every
/// check a stored request passes, and (SQLite) with a durable write like a delivery's, so that
/// neither the answer nor its time tells the sender about the block.
@Suite struct BlockedRequestStoreTests {
    typealias C = RelayStorageConformance

    @Test(arguments: StoreDriver.allCases) func aBlockedRequestPassesTheChecksThenIsDropped(_ driver: StoreDriver) async throws {
        try await driver.withStore { store in
            var f = C.Fixture()
            let (mallory, _) = try await f.makeAccount(in: store)
            let (carol, _) = try await f.makeAccount(in: store)
            let (bob, devices) = try await f.makeAccount(in: store, devices: 2)
            let targets = devices.map(\.id)
            func request(from sender: AccountID, _ text: String, limit: Int? = nil) -> Delivery {
                Delivery(
                    recipients: targets, payload: Data(text.utf8), queue: .requests, sender: sender, receivedAt: C.t0, expiresAt: C.later,
                    mailboxLimit: limit)
            }
            try await store.block(mallory, by: bob, at: C.t0)
            let outcome = try await store.deliver(request(from: mallory, "blocked"), stored: nil)
            #expect(outcome == .delivered([]), "answered as delivered, with nothing stored")
            #expect(try await store.entries(for: targets[0], queue: .requests, after: nil, limit: 10).isEmpty)
            #expect(try await store.mailboxDepth(of: targets[1]) == 0)

            // A full queue refuses the blocked sender exactly as it refuses anyone else.
            _ = try await store.deliver(request(from: carol, "fills the queue"), stored: nil)
            await #expect(throws: RelayStorageError.mailboxFull, "unblocked sender, full queue") {
                _ = try await store.deliver(request(from: carol, "again", limit: 1), stored: nil)
            }
            await #expect(throws: RelayStorageError.mailboxFull, "blocked sender, full queue: the same answer") {
                _ = try await store.deliver(request(from: mallory, "blocked", limit: 1), stored: nil)
            }
            try await store.unblock(mallory, by: bob)
            guard case .delivered(let ids) = try await store.deliver(request(from: mallory, "after unblock"), stored: nil) else {
                Issue.record("not delivered")
                return
            }
            #expect(ids.count == 2, "stored again once unblocked")
        }
    }

    /// The dropped request's transaction writes to the database (and so fsyncs at commit) like a
    /// delivered one: another connection sees the database change (`PRAGMA data_version`).
    @Test func aBlockedRequestCommitsAWriteLikeADelivery() async throws {
        try await TemporaryDirectory.with("relay-blocked") { directory in try await aBlockedRequestCommitsAWriteLikeADelivery(in: directory) }
    }

    private func aBlockedRequestCommitsAWriteLikeADelivery(in directory: URL) async throws {
        let path = directory.appendingPathComponent("relay.sqlite").path
        let store = try SQLiteRelayStore(path: path)
        var f = C.Fixture()
        let (mallory, _) = try await f.makeAccount(in: store)
        let (bob, devices) = try await f.makeAccount(in: store)
        try await store.block(mallory, by: bob, at: C.t0)
        let observer = try DatabaseQueue(path: path)
        func dataVersion() throws -> Int { try observer.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? -1 } }
        // data_version is per connection: read it once on the observer, then compare.
        let before = try dataVersion()
        #expect(try dataVersion() == before, "stable while nothing commits")
        let outcome = try await store.deliver(
            Delivery(
                recipients: [devices[0].id], payload: Data(repeating: 7, count: 4096), queue: .requests, sender: mallory, receivedAt: C.t0,
                expiresAt: C.later), stored: nil)
        #expect(outcome == .delivered([]))
        #expect(try dataVersion() != before, "the dropped request's batch committed a write, as a delivery's does")
        #expect(try await store.mailboxDepth(of: devices[0].id) == 0)
    }
}
