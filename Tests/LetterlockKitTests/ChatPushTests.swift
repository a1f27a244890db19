import Dispatch
import Foundation
import LetterlockCommands
import LetterlockKit
import Synchronization
import Testing

/// Lines "typed" into an in-process `chat`: `next()` blocks until one is fed (as a terminal does).
final class TypedLines: Sendable {
    private let lines = Mutex<[String?]>([])
    private let available = DispatchSemaphore(value: 0)

    func type(_ line: String?) {
        lines.withLock { $0.append(line) }
        available.signal()
    }

    func next() -> String? {
        available.wait()
        return lines.withLock { $0.removeFirst() }
    }
}

/// An in-process `letterlock chat`: its output, and the lines it reads.
final class RunningChat: Sendable {
    let typed = TypedLines()
    private let output = Mutex("")
    private let task = Mutex<Task<Int32, Never>?>(nil)

    init(_ arguments: [String]) {
        let typed = self.typed
        let console = Console(out: { line in self.append(line) }, err: { line in self.append(line) }, nextLine: { typed.next() })
        task.withLock {
            $0 = Task { await Console.$current.withValue(console) { await LetterlockCommand.run(arguments: arguments) } }
        }
    }

    private func append(_ line: String) { output.withLock { $0 += line + "\n" } }

    var text: String { output.withLock { $0 } }

    func waitFor(_ fragment: String, timeout: Duration = .seconds(15)) async throws {
        try await waitUntil(timeout: timeout) { self.text.contains(fragment) }
        if !text.contains(fragment) { Issue.record("chat output so far:\n\(text)") }
    }

    /// Ends it with /quit; its exit code.
    func quit() async -> Int32 {
        typed.type("/quit")
        return await task.withLock { $0 }?.value ?? -1
    }
}

/// `chat` receives over the push WebSocket (no polling while it is connected), keeps receiving
/// after the relay restarts, and starts a conversation with a stranger from the first line.
@Suite(.serialized) struct ChatPushTests {
    @Test(.timeLimit(.minutes(2))) func chatReceivesOverPushAndAfterARelayRestart() async throws {
        let data = LiveRelay.temporaryDirectory("relay-chat")
        defer { try? FileManager.default.removeItem(at: data) }
        let aliceHome = LiveRelay.temporaryDirectory("chat-alice").appendingPathComponent("state")
        let port = Mutex(0)
        let bobBox = Mutex<Person?>(nil)
        let chat = Mutex<RunningChat?>(nil)
        try await LiveRelay.run(data: data) { url, _ in
            port.withLock { $0 = Int(url.split(separator: ":").last ?? "") ?? 0 }
            let alice = Person(home: aliceHome, client: try await LetterlockClient.register(home: aliceHome, relayURL: url, username: "alice"))
            let bob = try await Person.register("bob", relay: url)
            bobBox.withLock { $0 = bob }
            try await alice.befriend(bob)
            let conversation = try await bob.client.startConversation(with: "alice")
            try await bob.client.sendText("before the chat", to: conversation.id)

            // An interval of an hour: anything that arrives while it runs came over push.
            let running = RunningChat(["chat", "bob", "--interval", "3600", "--home", aliceHome.path, "--relay", url])
            chat.withLock { $0 = running }
            try await running.waitFor("before the chat")
            try await Task.sleep(for: .milliseconds(300))  // connected and caught up
            try await bob.client.sendText("pushed while chatting", to: conversation.id)
            try await running.waitFor("pushed while chatting")
            running.typed.type("hello from the chat")
            try await waitUntil { try await bob.client.receive().messages.contains { $0.text == "hello from the chat" } }
        }
        // The relay went away and comes back on the same port and data: the chat reconnects.
        let bob = try #require(bobBox.withLock { $0 })
        let running = try #require(chat.withLock { $0 })
        try await LiveRelay.run(data: data, port: port.withLock { $0 }) { _, _ in
            let conversation = try #require(try bob.client.directConversation(with: try LetterlockClient.open(home: aliceHome).identity.accountID))
            try await bob.client.sendText("after the restart", to: conversation.id)
            try await running.waitFor("after the restart", timeout: .seconds(40))
            #expect(await running.quit() == 0)
        }
    }

    @Test(.timeLimit(.minutes(2))) func aChatWithAStrangerStartsWithAMessageRequest() async throws {
        try await LiveRelay.run { url, _ in
            let aliceHome = LiveRelay.temporaryDirectory("chat-alice").appendingPathComponent("state")
            let alice = Person(home: aliceHome, client: try await LetterlockClient.register(home: aliceHome, relayURL: url, username: "alice"))
            let bob = try await Person.register("bob", relay: url)
            let running = RunningChat(["chat", "bob", "--interval", "3600", "--home", aliceHome.path, "--relay", url])
            try await running.waitFor("Not a contact yet")
            running.typed.type("hi bob, we met at the conference")
            try await running.waitFor("as a message request")
            running.typed.type("are you there?")
            try await running.waitFor("Queued for @bob")
            #expect(try await bob.client.requests().first?.firstMessages == ["hi bob, we met at the conference"])
            try await bob.client.accept("alice")
            // The chat hears of the accept over push and sends what was queued.
            try await waitUntil(timeout: .seconds(15)) { try await bob.client.receive().messages.contains { $0.text == "are you there?" } }
            let chatID = try #require(try bob.client.directConversation(with: alice.account)?.id)
            try await bob.client.sendText("yes, hello!", to: chatID)
            try await running.waitFor("yes, hello!")
            #expect(await running.quit() == 0)
        }
    }
}
