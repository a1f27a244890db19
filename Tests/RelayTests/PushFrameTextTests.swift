import Foundation
@testable import Relay
import RelayAPI
import RelayStorage
import Testing

/// The hand-written `entry` frame decodes to exactly the frame JSONEncoder would have written.
@Suite struct PushFrameTextTests {
    @Test(arguments: [0, 1, 2, 3, 255, 4096]) func entryFrameMatchesTheCodableFrame(payloadSize: Int) throws {
        var generator = SystemRandomNumberGenerator()
        for (queue, sender) in [(MailboxQueue.inbox, nil), (.requests, AccountID.random(using: &generator))] {
            let entry = MailboxEntry(
                id: MailboxEntryID(Int64.random(in: 1...Int64.max, using: &generator)), deviceID: .random(using: &generator), queue: queue,
                payload: Data((0..<payloadSize).map { _ in UInt8.random(in: 0...255, using: &generator) }), sender: sender,
                receivedAt: Date(timeIntervalSince1970: 1_800_000_123), expiresAt: Date(timeIntervalSince1970: 1_900_000_000)
            )
            let text = Relay.entryFrameText(entry)
            let decoded = try JSONDecoder().decode(PushFrame.self, from: Data(text.utf8))
            #expect(decoded == PushFrame(type: "entry", entry: Relay.body(of: entry)))
            let viaCodable = try JSONDecoder().decode(PushFrame.self, from: JSONEncoder().encode(PushFrame(type: "entry", entry: Relay.body(of: entry))))
            #expect(decoded == viaCodable)
        }
    }
}
