import Foundation
@testable import Relay
import RelayStorage
import Testing

/// Session 4 review M3: one device holds a bounded number of push sessions; a new one ends the
/// oldest, so the notifier's work per entry stays bounded and reconnecting always works.
@Suite struct PushSessionCapTests {
    @Test func aNewSessionBeyondTheCapEndsTheOldest() async {
        let notifier = MailboxNotifier()
        var generator = SystemRandomNumberGenerator()
        let bob = DeviceID.random(using: &generator)
        let carol = DeviceID.random(using: &generator)
        let sessions = (0..<6).map { _ in notifier.subscribe(bob) }
        let other = notifier.subscribe(carol)
        #expect(notifier.connectionCount == 5, "four of Bob's, one of Carol's")
        // The two oldest of Bob's ended: their wake-up streams finish.
        for ended in sessions.prefix(2) {
            var wakeUps = ended.wakeUps.makeAsyncIterator()
            #expect(await wakeUps.next() == nil)
        }
        let entry = MailboxEntry(
            id: MailboxEntryID(1), deviceID: bob, queue: .inbox, payload: Data(count: 8), sender: nil,
            receivedAt: Date(timeIntervalSince1970: 0), expiresAt: Date(timeIntervalSince1970: 60))
        notifier.hand([entry])
        #expect(sessions.map { notifier.take(bob, token: $0.token).entries.count } == [0, 0, 1, 1, 1, 1])
        notifier.unsubscribe(bob, token: sessions[0].token)  // ending an ended one changes nothing
        #expect(notifier.connectionCount == 5)
        notifier.unsubscribe(carol, token: other.token)
    }
}
