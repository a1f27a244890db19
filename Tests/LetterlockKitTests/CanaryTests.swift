import Foundation
import LetterlockCommands
import LetterlockKit
import Synchronization
import Testing

/// "The one rule" (ARCHITECTURE.md): the relay holds no key to any content. Messages, group
/// names, a file's name and content all carry a random canary; they are sent and received; then
/// every byte the relay wrote (its SQLite database and WAL, the blob store, its log lines at
/// trace level) is searched, and the canary appears zero times.
@Suite struct CanaryTests {
    @Test func theRelayNeverSeesTheCanary() async throws {
        var generator = SystemRandomNumberGenerator()
        let canary = "canary" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let search = CanarySearch(canary)
        let logs = CapturedLogs()
        let work = LiveRelay.temporaryDirectory("canary-files")
        defer { try? FileManager.default.removeItem(at: work) }

        try await LiveRelay.runCapturing(
            logs: logs,
            { url, data in
                let alice = try await Person.register("alice", relay: url)
                let bob = try await Person.register("bob", relay: url)
                let carol = try await Person.register("carol", relay: url)
                try await alice.befriend(bob)
                try await alice.befriend(carol)

                // 1:1 text both ways.
                let chat = try await alice.client.startConversation(with: "bob")
                try await alice.client.sendText("hello \(canary) from alice", to: chat.id)
                #expect(try await bob.client.receive().messages.compactMap(\.text) == ["hello \(canary) from alice"])
                try await bob.client.sendText("and \(canary) from bob", to: chat.id)
                #expect(try await alice.client.receive().messages.compactMap(\.text) == ["and \(canary) from bob"])

                // A group whose name and new name carry the canary.
                let group = try await alice.client.createGroup(named: "group \(canary)", members: ["bob", "carol"])
                _ = try await bob.client.receive()
                _ = try await carol.client.receive()
                #expect(try carol.client.conversation(group.id).name == "group \(canary)")
                try await carol.client.rename(group.id, to: "renamed \(canary)")
                _ = try await alice.client.receive()
                #expect(try alice.client.conversation(group.id).name == "renamed \(canary)")

                // A file whose name and content carry the canary.
                let file = work.appendingPathComponent("file-\(canary).txt")
                let content = Data(String(repeating: "line with \(canary)\n", count: 5_000).utf8)
                try content.write(to: file)
                try await alice.client.sendFile(file, to: group.id)
                let received = try await bob.client.receive().messages.first { $0.kind == .file }
                let entry = try #require(received)
                #expect(entry.fileName == "file-\(canary).txt")
                let saved = work.appendingPathComponent("saved.txt")
                try await bob.client.downloadFile(entry, to: saved)
                #expect(try Data(contentsOf: saved) == content)

                // Leave some of it queued at the relay (Carol does not fetch).
                try await alice.client.sendText("queued \(canary) for carol", to: group.id)

                // While the relay runs (the WAL holds recent pages).
                let live = try search.search(directory: data)
                #expect(live.files >= 2 && live.bytes > content.count)
                #expect(live.hits == 0)
                #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("relay.sqlite-wal").path))
                #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("blobs").path).count == 1)
            },
            inspect: { data in
                // After shutdown (the WAL checkpointed into the database).
                let after = try search.search(directory: data)
                #expect(after.files >= 1 && after.hits == 0)
                let lines = logs.all
                #expect(lines.count > 50)  // the logger really captured the relay's lines
                #expect(search.count(in: Array(lines.joined(separator: "\n").utf8)) == 0)
            })

        // The search works: a control file with the canary planted (clear and base64) is found.
        let control = LiveRelay.temporaryDirectory("canary-control")
        defer { try? FileManager.default.removeItem(at: control) }
        try Data("noise \(canary) noise".utf8).write(to: control.appendingPathComponent("clear"))
        try Data(Data("xx\(canary)yy".utf8).base64EncodedString().utf8).write(to: control.appendingPathComponent("base64"))
        let found = try search.search(directory: control)
        #expect(found.files == 2)
        #expect(found.hits == 2)
    }
}

@Suite struct DemoCommandTests {
    @Test func theDemoRunsAndShowsTheServerHoldsNoContent() async throws {
        let out = Mutex("")
        let err = Mutex("")
        let console = Console(out: { line in out.withLock { $0 += line + "\n" } }, err: { line in err.withLock { $0 += line + "\n" } })
        let code = await Console.$current.withValue(console) { await LetterlockCommand.run(arguments: ["demo"]) }
        let printed = out.withLock { $0 }
        #expect(code == 0, "\(err.withLock { $0 })")
        #expect(printed.contains("@bob receives from @alice: \"Hi Bob! Lunch on Thursday?\""))
        #expect(printed.contains("identical to Alice's file"))
        #expect(printed.contains("alice now sees 0 requests"))
        #expect(printed.contains("found 0 times"))
        #expect(printed.contains("messages"))
        #expect(printed.contains("@bob receives from @carol: \"I'll bring tea.\""))
        // Every table the relay created is described by the data inventory.
        #expect(!printed.contains("not in the inventory"), "\(printed)")
    }
}
