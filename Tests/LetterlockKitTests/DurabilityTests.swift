import Foundation
import LetterlockKit
import Testing

/// Issue 5 item 1: losing power mid-write never corrupts the device state, and what was
/// committed survives. SQLite gives that with its WAL journal when every commit syncs the WAL
/// before it returns (`synchronous = FULL`; at NORMAL a commit in WAL mode is synced only at
/// the next checkpoint, so a power cut can lose the last commits). The test counts the syncs
/// SQLite asks of the file system (``SyncCountingVFS``) for each committed change.
@Suite struct DurabilityTests {
    @Test func everyCommittedChangeIsSyncedToTheWALBeforeItReturns() async throws {
        try await LiveRelay.run { url, _ in
            try await SyncCountingVFS.counting {
                let alice = try await Person.register("alice", relay: url)
                // The home's parent directory has a random name: only this test's files count.
                let unique = alice.home.deletingLastPathComponent().lastPathComponent
                let walSyncs = { SyncCountingVFS.syncCount { $0.contains(unique) && $0.hasSuffix(DeviceStore.fileName + "-wal") } }
                #expect(try alice.client.store.pragma("journal_mode") == "wal")
                #expect(try alice.client.store.pragma("synchronous") == "2")  // FULL

                // Each rotation commits the new token (and secrets) locally: one WAL sync each at least.
                let before = walSyncs()
                for _ in 0..<3 { try await alice.client.rotateDeliveryToken() }
                #expect(walSyncs() - before >= 3)

                // The same after a reopen (the pragma is per connection).
                let reopened = try LetterlockClient.open(home: alice.home)
                #expect(try reopened.store.pragma("synchronous") == "2")
                let again = walSyncs()
                try await reopened.rotateDeliveryToken()
                #expect(walSyncs() - again >= 1)
                #expect(try reopened.store.pragma("integrity_check") == "ok")
            }
        }
    }
}
