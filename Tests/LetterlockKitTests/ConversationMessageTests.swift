import Foundation
import LetterlockKit
import Testing

/// The conversation-message envelope's decoder refuses everything but well-formed version 1.
@Suite struct ConversationMessageTests {
    @Test func roundTripsEveryKind() throws {
        let messages = [
            ConversationMessage(kind: .text, sentAt: 1, text: "hello"),
            ConversationMessage(kind: .rename, sentAt: 2, name: "club"),
            ConversationMessage(kind: .file, sentAt: 3, file: Data([1, 2, 3])),
            ConversationMessage(kind: .info, sentAt: 4, conversation: .group, tokens: [String(repeating: "a", count: 32): Data(count: 32)]),
        ]
        for message in messages { #expect(try ConversationMessageIn(try message.encoded()).validated() == message) }
    }

    @Test(arguments: [
        #"{"id":"00112233445566778899aabbccddeeff","kind":"text","sentAt":1,"text":"hi","v":2}"#,
        #"{"id":"00112233445566778899aabbccddeeff","kind":"shout","sentAt":1,"text":"hi","v":1}"#,
        #"{"id":"00112233445566778899aabbccddeeff","kind":"text","sentAt":1,"v":1}"#,
        #"{"id":"0011","kind":"text","sentAt":1,"text":"hi","v":1}"#,
        #"{"id":"00112233445566778899aabbccddeeff","kind":"rename","name":"","sentAt":1,"v":1}"#,
        #"{"id":"00112233445566778899aabbccddeeff","kind":"info","sentAt":1,"v":1}"#,
        #"{"conversation":"group","id":"00112233445566778899aabbccddeeff","kind":"info","sentAt":1,"tokens":{"bob":"AAAA"},"v":1}"#,
        #"not json"#, "",
    ])
    func refusesMalformedMessages(_ json: String) {
        #expect(throws: ConversationError.self) { try ConversationMessageIn(Array(json.utf8)).validated() }
    }

    @Test func refusesOversizedText() throws {
        let big = ConversationMessage(kind: .text, sentAt: 1, text: String(repeating: "x", count: ConversationMessageIn.maximumTextBytes + 1))
        #expect(throws: ConversationError.malformedMessage) { try ConversationMessageIn(try big.encoded()).validated() }
    }
}
