import Foundation
import LetterlockKit
import RelayAPI
import Testing

/// The first message to someone who is not a contact yet: carried by the message request,
/// unreadable by the relay, shown in `requests`, delivered on accept, never on block; later
/// messages wait on the sender's device until the accept. Against a real relay.
@Suite struct FirstContactTests {
    @Test func aFirstMessageTravelsInTheRequestAndTheChatStartsOnAccept() async throws {
        let recorder = RelayRecorder()
        let canary = "first-contact-canary-" + UUID().uuidString
        try await LiveRelay.run(recorder: recorder) { url, data in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)

            let first = try await alice.client.sendText("hello bob " + canary, toName: "bob")
            #expect(first.delivery == .requested)
            #expect(first.conversation.kind == .direct && first.conversation.peerAccount == bob.account)
            #expect(try alice.client.contacts().first?.state == .outgoing)
            // Written before the accept: kept on Alice's device.
            let queued = try await alice.client.sendText("are you there?", toName: "bob")
            #expect(queued.delivery == .queued && queued.conversation.id == first.conversation.id)
            #expect(try await bob.client.relay.mailbox(.inbox).isEmpty)

            // Bob sees the request with its message, read on his device.
            let requests = try await bob.client.requests()
            #expect(requests.count == 1)
            #expect(requests.first?.senderUsername == "alice")
            #expect(requests.first?.firstMessages == ["hello bob " + canary])
            #expect(try bob.client.conversations().isEmpty)

            // The relay saw the request (and its sender) but never the text.
            #expect(recorder.all.contains { $0.path.hasPrefix("/v1/messages/requests") })
            let search = CanarySearch(canary)
            #expect(search.count(in: Array(recorder.bytes)) == 0)
            #expect(try search.search(directory: data).hits == 0)

            // Accepting starts the conversation with the first message in it.
            try await bob.client.accept("alice")
            let chat = try #require(try bob.client.directConversation(with: alice.account))
            #expect(chat.id == first.conversation.id)
            #expect(try bob.client.texts(chat.id) == ["hello bob " + canary])
            // Bob answers at once: it waits until Alice's card (her token) reaches him.
            let reply = try await bob.client.sendText("hi alice", toName: "alice")
            #expect(reply.delivery == .queued)

            // Alice learns of the accept: her queued message goes out.
            _ = try await alice.client.receive()
            #expect(try !alice.client.isWaitingForPeer(chat.id))
            let atBob = try await bob.client.receive()
            #expect(atBob.messages.map(\.text) == ["are you there?"])
            #expect(try !bob.client.isWaitingForPeer(chat.id))
            #expect(try await alice.client.receive().messages.map(\.text) == ["hi alice"])
            #expect(try alice.client.texts(chat.id) == ["hello bob " + canary, "are you there?", "hi alice"])
            // Bob's history is in his order: his reply was written before Alice's second message arrived.
            #expect(try bob.client.texts(chat.id) == ["hello bob " + canary, "hi alice", "are you there?"])
            // Both are contacts now, and the chat goes on as any other.
            #expect(try alice.client.contacts().first?.state == .accepted)
            #expect(try await alice.client.sendText("great", toName: "bob").delivery == .sent)
            #expect(try await bob.client.receive().messages.map(\.text) == ["great"])
            #expect(try search.search(directory: data).hits == 0)
            #expect(search.count(in: Array(recorder.bytes)) == 0)
        }
    }

    @Test func aBlockedFirstMessageIsNeverDelivered() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let mallory = try await Person.register("mallory", relay: url)
            #expect(try await mallory.client.sendText("buy now", toName: "alice").delivery == .requested)
            #expect(try await alice.client.requests().first?.firstMessages == ["buy now"])
            try await alice.client.blockRequest("mallory")
            // Mallory cannot tell: her next messages are queued or answered like delivered ones.
            #expect(try await mallory.client.sendText("hello?", toName: "alice").delivery == .queued)
            _ = try await mallory.client.receive()  // nothing accepted: it stays on her device
            #expect(try await alice.client.requests().isEmpty)
            let report = try await alice.client.receive()
            #expect(report.joined.isEmpty && report.messages.isEmpty)
            #expect(try alice.client.conversations().isEmpty)
            #expect(try alice.client.messages().isEmpty)
            #expect(try await alice.client.relay.mailbox(.inbox).isEmpty)
            #expect(try await alice.client.relay.mailbox(.requests).isEmpty)
        }
    }

    @Test func aBlockedSenderStartingAnotherConversationIsDroppedByTheRelay() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let mallory = try await Person.register("mallory", relay: url)
            try await alice.client.block("mallory")
            // A new conversation means a new request: the relay answers as if delivered and drops it.
            #expect(try await mallory.client.sendText("let me in", toName: "alice").delivery == .requested)
            #expect(try await alice.client.requests().isEmpty)
            #expect(try await alice.client.relay.mailbox(.requests).isEmpty)
            #expect(try alice.client.conversations().isEmpty)
        }
    }

    @Test func ignoringAFirstMessageLeavesNoConversation() async throws {
        try await LiveRelay.run { url, _ in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            _ = try await bob.client.sendText("hi", toName: "alice")
            #expect(try await alice.client.requests().count == 1)
            try await alice.client.ignore("bob")
            #expect(try await alice.client.requests().isEmpty)
            #expect(try alice.client.conversations().isEmpty && alice.client.messages().isEmpty)
        }
    }
}
