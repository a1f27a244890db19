import Foundation
@testable import Relay
import RelayStorage
import Testing

/// The notifier's hand-off of new entries to push sessions, and its bounds.
@Suite struct MailboxNotifierTests {
    var generator = SystemRandomNumberGenerator()

    func entry(_ id: Int64, for device: DeviceID, bytes: Int = 8) -> MailboxEntry {
        MailboxEntry(
            id: MailboxEntryID(id), deviceID: device, queue: .inbox, payload: Data(count: bytes), sender: nil,
            receivedAt: Date(timeIntervalSince1970: 0), expiresAt: Date(timeIntervalSince1970: 60)
        )
    }

    @Test mutating func handsEntriesToTheirDevicesSessionsInOrder() async {
        let notifier = MailboxNotifier(maximumEntries: 8, maximumBytes: 1_000)
        let bob = DeviceID.random(using: &generator)
        let carol = DeviceID.random(using: &generator)
        let first = notifier.subscribe(bob)
        let second = notifier.subscribe(bob)
        notifier.hand([entry(1, for: bob), entry(2, for: carol)])
        notifier.hand([entry(3, for: bob)])
        var wakeUps = first.wakeUps.makeAsyncIterator()
        #expect(await wakeUps.next() != nil, "a hand-off wakes the session")
        #expect(notifier.take(bob, token: first.token).entries.map(\.id.rawValue) == [1, 3])
        #expect(notifier.take(bob, token: first.token).entries.isEmpty, "taking empties the share")
        #expect(notifier.take(bob, token: second.token).entries.map(\.id.rawValue) == [1, 3], "every session of the device")
        #expect(notifier.take(carol, token: first.token).entries.isEmpty, "carol has no session: nothing kept for her")
        notifier.unsubscribe(bob, token: first.token)
        notifier.unsubscribe(bob, token: second.token)
        notifier.hand([entry(4, for: bob)])
        #expect(notifier.connectionCount == 0)
    }

    @Test(arguments: [(3, 1_000, 4, 8), (8, 20, 3, 8)])
    mutating func aFullShareIsDroppedAndMarked(maximumEntries: Int, maximumBytes: Int, handed: Int, bytes: Int) {
        let notifier = MailboxNotifier(maximumEntries: maximumEntries, maximumBytes: maximumBytes)
        let bob = DeviceID.random(using: &generator)
        let session = notifier.subscribe(bob)
        notifier.hand((1...Int64(handed)).map { entry($0, for: bob, bytes: bytes) })
        notifier.hand([entry(99, for: bob, bytes: 1)])
        let share = notifier.take(bob, token: session.token)
        #expect(share.overflowed, "the session must read the store")
        #expect(share.entries.isEmpty, "nothing is kept past the bound, not even later entries")
        notifier.hand([entry(100, for: bob)])
        let next = notifier.take(bob, token: session.token)
        #expect(!next.overflowed && next.entries.map(\.id.rawValue) == [100], "the next share starts afresh")
    }
}
