import Foundation
import LetterlockKit
import Testing

/// The rough edges a newcomer following the README met, each checked through the CLI as typed:
/// messages that say what to do next, the commands printed as hints really working, groups
/// naming who is not a contact yet, and `--json` output that always parses.
@Suite struct NewcomerCommandTests {
    /// Two registered people who accepted each other, through the CLI.
    private func contacts(_ url: String) async throws -> (alice: CLI, bob: CLI) {
        let alice = CLI(relay: url, home: LiveRelay.temporaryDirectory("nc-alice"))
        let bob = CLI(relay: url, home: LiveRelay.temporaryDirectory("nc-bob"))
        #expect(await alice("register", "--username", "alice").code == 0)
        #expect(await bob("register", "--username", "bob").code == 0)
        #expect(await alice("contacts", "add", "bob").code == 0)
        #expect(await bob("requests", "accept", "alice").code == 0)
        return (alice, bob)
    }

    @Test func anUnreachableRelayIsNamedWithWhatToDo() async throws {
        try await LiveRelay.run { url, _ in
            let alice = CLI(relay: url, home: LiveRelay.temporaryDirectory("nc-alice"))
            #expect(await alice("register", "--username", "alice").code == 0)
            for arguments in [["whoami"], ["inbox"], ["send", "bob", "hi"], ["chat", "bob"], ["group", "create", "g"]] {
                let down = await CLI(relay: "http://127.0.0.1:1", home: alice.home)(arguments)
                #expect(down.code == 3, "\(arguments)")
                #expect(down.err.contains("the relay http://127.0.0.1:1 is unreachable") && down.err.contains("--relay"), "\(arguments): \(down.err)")
            }
        }
    }

    @Test func theFileHintInTheInboxIsACommandThatWorks() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob) = try await contacts(url)
            let file = LiveRelay.temporaryDirectory("nc-file").appendingPathComponent("notes.txt")
            try Data("the notes".utf8).write(to: file)
            #expect(await alice("file", "send", "bob", file.path).code == 0)
            let inbox = await bob("inbox")
            #expect(inbox.out.contains("New chat with @alice."), "\(inbox.out)")
            let hint = try #require(inbox.out.components(separatedBy: "[get: letterlock ").dropFirst().first?.components(separatedBy: "]").first)
            #expect(hint.hasPrefix("file get alice "), "\(hint)")
            let destination = LiveRelay.temporaryDirectory("nc-out")
            let arguments = hint.split(separator: " ").map(String.init) + ["--output", destination.path]
            #expect(await bob(arguments).code == 0)
            #expect(try Data(contentsOf: destination.appendingPathComponent("notes.txt")) == Data("the notes".utf8))
            // The sender's own history has no hint to fetch what it sent.
            #expect(!(await alice("inbox", "--last", "5").out.contains("[get:")))
            // Again to the same place: refused, saying how to replace it.
            let again = await bob(arguments)
            #expect(again.code == 1 && again.err.contains("--force"), "\(again.err)")
        }
    }

    @Test func groupsNameWhoIsNotAContactYet() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob) = try await contacts(url)
            let dave = CLI(relay: url, home: LiveRelay.temporaryDirectory("nc-dave"))
            #expect(await dave("register", "--username", "dave").code == 0)
            let stranger = await alice("group", "create", "Book club", "bob", "dave")
            #expect(stranger.code == 4)
            #expect(stranger.err.contains("dave is not your contact") && stranger.err.contains("letterlock contacts add dave"), "\(stranger.err)")
            let json = await alice("group", "create", "Book club", "dave", "--json")
            #expect(json.code == 4 && json.out.contains("\"code\" : \"notAContact\""))
            #expect(await alice("contacts", "add", "dave").code == 0)
            let waiting = await alice("group", "create", "Book club", "dave")
            #expect(waiting.code == 4 && waiting.err.contains("@dave has not accepted"), "\(waiting.err)")
            #expect(await alice("conversations").out.contains("No conversations yet"))  // nothing half-made

            // With contacts only, it works, and membership changes show in the inbox.
            #expect(await alice("group", "create", "Book club", "bob").code == 0)
            #expect(await bob("inbox").out.contains("You were added to #Book club."))
            #expect(await alice("group", "remove", "Book club", "bob").code == 0)
            #expect(await bob("inbox").out.contains("You are no longer in #Book club."))
        }
    }

    @Test func namesThatMatchNothingSaySo() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, _) = try await contacts(url)
            let taken = await CLI(relay: url, home: LiveRelay.temporaryDirectory("nc-again"))("register", "--username", "alice")
            #expect(taken.code == 1 && taken.err.contains("that username is taken: choose another"), "\(taken.err)")
            let group = await alice("send", "Readers", "hello")  // no such group, and not a username
            #expect(group.code == 4 && group.err.contains("no conversation, contact or username matches"), "\(group.err)")
            let unknown = await alice("send", "nobody_here", "hello")
            #expect(unknown.code == 4 && unknown.err.contains("unknown contact"), "\(unknown.err)")
            let empty = await alice("send", "bob", " ")
            #expect(empty.code == 1 && empty.err.contains("the message is empty"), "\(empty.err)")
            let missing = await alice("file", "send", "bob", "/nonexistent/notes.txt")
            #expect(missing.code == 1 && missing.err.contains("no file at /nonexistent/notes.txt"), "\(missing.err)")
            #expect(await alice("send", "bob", "hello").code == 0)
            let noFile = await alice("file", "get", "bob")
            #expect(noFile.code == 4 && noFile.err.contains("no file in this conversation yet"), "\(noFile.err)")
            let badCode = await alice("devices", "link", "letterlock-link:v1:AAAA")
            #expect(badCode.code == 1 && badCode.err.contains("malformed") && !badCode.out.contains("Waiting"), "\(badCode.out)")
            let device = await alice("devices", "revoke", String(repeating: "0", count: 32))
            #expect(device.code == 4 && device.err.contains("no such device"), "\(device.err)")
            #expect(await alice("block", "bob").code == 0)
            let blocked = await alice("send", "bob", "hello")
            #expect(blocked.code == 5 && blocked.err.contains("letterlock unblock NAME"), "\(blocked.err)")
            let unblocked = await alice("unblock", "bob")
            #expect(unblocked.code == 0 && unblocked.out.contains("letterlock contacts add bob"))
        }
    }

    @Test func aPublicLinkOpensOnItsRelayAndAnotherRelaysLinkIsExplained() async throws {
        try await LiveRelay.run { url, _ in
            let alice = CLI(relay: url, home: LiveRelay.temporaryDirectory("nc-alice"))
            let stranger = CLI(relay: url, home: LiveRelay.temporaryDirectory("nc-stranger"))
            #expect(await alice("register").code == 0)
            #expect(await stranger("register").code == 0)
            let file = LiveRelay.temporaryDirectory("nc-pub").appendingPathComponent("poster.txt")
            try Data("a public poster".utf8).write(to: file)
            let published = await alice("file", "publish", file.path)
            #expect(published.code == 0 && published.err.contains("Anyone with this link"), "\(published.err)")
            let link = published.out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(link.hasPrefix(url + "/f/") && link.contains("#"))
            let destination = LiveRelay.temporaryDirectory("nc-pub-out")
            let fetched = await stranger("file", "get", link, "--output", destination.path)
            #expect(fetched.code == 0, "\(fetched.err)")
            #expect(try Data(contentsOf: destination.appendingPathComponent("poster.txt")) == Data("a public poster".utf8))

            // The same link naming another relay: refused before any request, saying what to do.
            let elsewhere = link.replacingOccurrences(of: url, with: "http://127.0.0.1:1")
            let other = await stranger("file", "get", elsewhere, "--output", destination.path, "--force")
            #expect(other.code == 1 && other.err.contains("another relay (127.0.0.1:1)") && other.err.contains("--home DIR"), "\(other.err)")
            let json = await stranger("file", "get", elsewhere, "--json")
            #expect(json.code == 1 && json.out.contains("\"code\" : \"other_relay\""))
        }
    }

    /// Every command's `--json` output parses, on success and on failure alike.
    @Test func everyJSONAnswerParses() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob) = try await contacts(url)
            let commands: [[String]] = [
                ["whoami"], ["devices"], ["contacts"], ["requests"], ["verify", "bob"], ["send", "bob", "hi"], ["inbox"],
                ["conversations"], ["group", "create", "g", "bob"], ["group", "rename", "g", "h"], ["contacts", "invite"],
                ["verify", "nobody_here"], ["send", "Nope", "x"], ["group", "add", "h", "nobody_here"],
            ]
            for command in commands {
                let answer = await alice(command + ["--json"])
                let parsed = try? JSONSerialization.jsonObject(with: Data(answer.out.utf8))
                #expect(parsed != nil, "\(command): \(answer.out)")
                #expect(answer.code == 0 || answer.out.contains("\"error\""), "\(command)")
            }
            // Messages carry their place in the history, also fresh from a send or a fetch.
            struct Sent: Decodable { struct Message: Decodable { var sequence: Int64 }; var message: Message }
            struct Inbox: Decodable { var messages: [Sent.Message] }
            let sent = try JSONDecoder().decode(Sent.self, from: Data(await alice("send", "bob", "numbered", "--json").out.utf8))
            #expect(sent.message.sequence > 0)
            let inbox = try JSONDecoder().decode(Inbox.self, from: Data(await bob("inbox", "--json").out.utf8))
            #expect(!inbox.messages.isEmpty && inbox.messages.allSatisfy { $0.sequence > 0 })
        }
    }
}
