import Foundation
import LetterlockCommands
import LetterlockKit
import Synchronization
import Testing

/// Runs the CLI in-process and captures what it prints.
struct CLI {
    let relay: String
    let home: URL
    /// What the passphrase prompt "types".
    var typedPassphrase: String? = nil

    func callAsFunction(_ arguments: String...) async -> (code: Int32, out: String, err: String) {
        await callAsFunction(arguments)
    }

    func callAsFunction(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
        let out = Mutex("")
        let err = Mutex("")
        let typed = typedPassphrase
        let console = Console(
            out: { line in out.withLock { $0 += line + "\n" } }, err: { line in err.withLock { $0 += line + "\n" } }, readSecret: { _ in typed })
        let code = await Console.$current.withValue(console) {
            await LetterlockCommand.run(arguments: arguments + ["--relay", relay, "--home", home.path])
        }
        return (code, out.withLock { $0 }, err.withLock { $0 })
    }
}

@Suite struct CommandTests {
    @Test func aSessionThroughTheCommandLine() async throws {
        try await LiveRelay.run { url, _ in
            let alice = CLI(relay: url, home: LiveRelay.temporaryDirectory("cli-alice"))
            let bob = CLI(relay: url, home: LiveRelay.temporaryDirectory("cli-bob"))
            #expect(await alice("register", "--username", "alice").code == 0)
            #expect(await bob("register", "--username", "bob", "--json").out.contains("\"username\" : \"bob\""))
            #expect(await alice("contacts", "add", "bob").code == 0)
            let requests = await bob("requests", "--json")
            #expect(requests.code == 0 && requests.out.contains("\"username\" : \"alice\""))
            #expect(await bob("requests", "accept", "alice").code == 0)
            #expect(await alice("contacts").out.contains("@bob  1 device"))
            let numberAtAlice = await alice("verify", "bob", "--json")
            let numberAtBob = await bob("verify", "alice", "--json")
            struct V: Decodable { var safetyNumber: String }
            let a = try JSONDecoder().decode(V.self, from: Data(numberAtAlice.out.utf8))
            let b = try JSONDecoder().decode(V.self, from: Data(numberAtBob.out.utf8))
            #expect(a.safetyNumber == b.safetyNumber)
            #expect(await alice("block", "bob").code == 0)
            #expect(await alice("unblock", "bob").code == 0)
            let invite = await alice("contacts", "invite").out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(invite.hasPrefix(InviteLink.prefix))
        }
    }

    @Test func failuresHaveClearMessagesAndExitCodes() async throws {
        try await LiveRelay.run { url, _ in
            let alice = CLI(relay: url, home: LiveRelay.temporaryDirectory("cli-alice"))
            let notYet = await alice("whoami")
            #expect(notYet.code == 7 && notYet.err.contains("not registered"))
            #expect(await alice("register", "--username", "alice").code == 0)
            let unknown = await alice("contacts", "add", "nobody_here")
            #expect(unknown.code == 4 && unknown.err.contains("unknown contact"))
            let unknownJSON = await alice("verify", "nobody_here", "--json")
            #expect(unknownJSON.code == 4 && unknownJSON.out.contains("\"code\" : \"unknownContact\""))
            #expect(await alice("block", "mallory_x").code == 4)
            let down = CLI(relay: "http://127.0.0.1:1", home: alice.home)
            let unreachable = await down("whoami")
            #expect(unreachable.code == 3 && unreachable.err.contains("unreachable"))
            let bad = await alice("contacts", "add", "letterlock://invite/v1/nope")
            #expect(bad.code == 1 && bad.err.contains("invite link is malformed"))
        }
    }

    @Test func aBlockedContactCannotBeAddedAndAWrongPassphraseExitsWithSix() async throws {
        try await LiveRelay.run { url, _ in
            let home = LiveRelay.temporaryDirectory("cli-pass")
            _ = try await LetterlockClient.register(
                home: home, relayURL: url, username: "alice", passphrase: "right", keyProtection: .fresh(logN: 10))
            let cli = CLI(relay: url, home: home)
            // No passphrase and no terminal: refused with the passphrase exit code.
            let missing = await cli("whoami")
            #expect(missing.code == 6 && missing.err.contains("passphrase"))
            let wrong = await CLI(relay: url, home: home, typedPassphrase: "wrong")("whoami")
            #expect(wrong.code == 6 && wrong.err.contains("wrong passphrase"))
            #expect(await CLI(relay: url, home: home, typedPassphrase: "right")("whoami").code == 0)
            let client = try LetterlockClient.open(home: home, passphrase: "right")
            _ = try await LetterlockClient.register(home: LiveRelay.temporaryDirectory("b"), relayURL: url, username: "bob")
            try await client.block("bob")
            await #expect(throws: LetterlockError.blocked) { try await client.addContact(username: "bob") }
        }
    }

    @Test func usernameAndListen() async throws {
        try await LiveRelay.run { url, _ in
            let alice = CLI(relay: url, home: LiveRelay.temporaryDirectory("cli-alice"))
            let bob = CLI(relay: url, home: LiveRelay.temporaryDirectory("cli-bob"))
            #expect(await alice("register").code == 0)
            #expect(await alice("username", "alice").code == 0)
            #expect(await alice("whoami").out.contains("@alice"))
            #expect(await bob("register", "--username", "alice").code == 1)  // taken
            #expect(await bob("register", "--username", "bob").code == 0)

            let out = Mutex("")
            let console = Console(out: { line in out.withLock { $0 += line + "\n" } }, err: { _ in })
            let listener = Task {
                await Console.$current.withValue(console) {
                    await LetterlockCommand.run(arguments: ["listen", "--relay", url, "--home", alice.home.path])
                }
            }
            try await waitUntil { out.withLock { $0.contains("connected") } }
            #expect(await bob("contacts", "add", "alice").code == 0)
            try await waitUntil { out.withLock { $0.contains("new message request") } }
            listener.cancel()
            #expect(await listener.value == 0)
        }
    }
}
