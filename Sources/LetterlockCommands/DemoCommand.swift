import ArgumentParser
import Crypto
import Foundation
import GRDB
import Hummingbird
import LetterlockKit
import Logging
import NIOCore
import Relay
import RelayStorage
import ServiceLifecycle

/// `letterlock demo`: a relay in this process on a temporary SQLite directory, three people, a
/// 1:1 chat, a group, a file, a blocked message request, and what the server holds at the end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a relay in-process and walk three people through chats, a group, a file and a block (seconds).")
    @Flag(help: "Keep the temporary directory (relay data and the four homes) and print where it is.") var keep = false
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-demo-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }
        let data = root.appendingPathComponent("relay", isDirectory: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let store = try SQLiteRelayStore(path: data.appendingPathComponent("relay.sqlite").path)
        var logger = Logger(label: "letterlock.demo.relay")
        logger.logLevel = .critical
        var configuration = Relay.Configuration()
        configuration.registrationLimits = [.perHour(100)]
        let relay = Relay(store: store, blobContent: try FileBlobContentStore(directory: data), configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = relay.makeApplication(configuration: .init(address: .hostname("127.0.0.1", port: 0))) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let json = options.json
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            do {
                try await DemoScript(relayURL: "http://127.0.0.1:\(port)", root: root, data: data, json: json).run()
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        if !json {
            Output.print("")
            Output.print(
                "Done in \(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s. "
                    + (keep ? "Everything is kept in \(root.path)" : "The temporary relay and homes were deleted (--keep keeps them)."))
            Output.print("Next: run `make run` (a relay) and chat from two terminals, see docs/client.md.")
        }
    }
}

/// The demo's steps, printed as they happen.
struct DemoScript {
    let relayURL: String
    let root: URL
    let data: URL
    let json: Bool
    /// Everything secret the people sent: searched for in the relay's files at the end.
    final class Plaintexts: @unchecked Sendable {
        var values: [String] = []
        /// The demo knows everyone: names for accounts that are not each other's contacts.
        var names: [String: String] = [:]
    }
    let sent = Plaintexts()

    func say(_ text: String) { if !json { Output.print(text) } }
    func step(_ number: Int, _ title: String) {
        say("")
        say("\(number). \(title)")
    }

    func person(_ name: String) async throws -> LetterlockClient {
        let client = try await LetterlockClient.register(
            home: root.appendingPathComponent(name, isDirectory: true), relayURL: relayURL, username: name)
        sent.names[client.identity.accountID] = name
        say("   @\(name)  account \(client.identity.accountID.prefix(12))…  device \(client.identity.deviceID.prefix(12))…")
        return client
    }

    func text(_ from: LetterlockClient, _ text: String, to conversation: String) async throws {
        sent.values.append(text)
        try await from.sendText(text, to: conversation)
        say("   @\(from.identity.username ?? "?") sends: \(text)")
    }

    func receive(_ client: LetterlockClient, _ name: String) async throws {
        let report = try await client.receive()
        for entry in report.messages {
            let who = entry.senderAccount == client.identity.accountID ? "you" : sent.names[entry.senderAccount].map { "@\($0)" } ?? "a member"
            let what: String =
                switch entry.kind {
                case .text: "\"\(entry.text ?? "")\""
                case .rename: "renamed the group to \"\(entry.name ?? "")\""
                case .file: "a file \(entry.fileName ?? "") (\(entry.fileSize ?? 0) bytes)"
                case .info: "info"
                }
            say("   @\(name) receives from \(who): \(what)")
        }
    }

    func run() async throws {
        say("Letterlock demo: a relay runs inside this process (SQLite in \(data.path)).")
        say("Everything below is end-to-end encrypted on the devices; the relay only stores and forwards ciphertext.")

        step(1, "Three people register (each device gets an Ed25519 key; the relay learns only public keys)")
        let alice = try await person("alice")
        let bob = try await person("bob")
        let carol = try await person("carol")

        step(2, "Bob adds Alice with her invite link: sealed delivery, the relay does not learn who wrote to whom")
        try await bob.addContact(invite: try alice.inviteLink())
        _ = try await alice.sync()
        _ = try await bob.sync()
        say("   alice's contacts: \(try alice.contacts().compactMap(\.username).map { "@\($0)" }.joined(separator: ", "))")

        step(3, "Carol asks Alice by username: a message request (the only identified message); Alice accepts")
        try await carol.addContact(username: "alice")
        let requests = try await alice.requests()
        say("   alice sees \(requests.count) request from @\(requests.first?.senderUsername ?? "?")")
        try await alice.accept("carol")
        _ = try await carol.sync()
        _ = try await alice.sync()
        say("   alice and carol are contacts: \(try carol.store.contact(alice.identity.accountID)?.state == .accepted ? "yes" : "no")")

        step(4, "A 1:1 chat: an MLS group of Alice's and Bob's devices (Welcome and commit sealed through the relay)")
        let chat = try await alice.startConversation(with: "bob")
        try await text(alice, "Hi Bob! Lunch on Thursday?", to: chat.id)
        try await receive(bob, "bob")
        try await text(bob, "Yes, the usual place at noon.", to: chat.id)
        try await receive(alice, "alice")
        let epoch = try alice.conversation(chat.id).epoch
        let suite = try alice.cipherSuite(ofConversation: chat.id)
        let suiteName = suite == 0xF0A1 ? "0xF0A1, post-quantum hybrid X-Wing (provisional codepoint)" : String(format: "0x%04X", suite)
        say("   (group \(chat.id.prefix(12))…, epoch \(epoch), MLS cipher suite \(suiteName))")

        step(5, "A group: Alice creates \"Book club\" with Bob and Carol; Carol renames it (the name is encrypted too)")
        sent.values.append("Book club")
        let club = try await alice.createGroup(named: "Book club", members: ["bob", "carol"])
        try await text(alice, "Next book: a mystery. Suggestions?", to: club.id)
        try await receive(bob, "bob")
        try await receive(carol, "carol")
        sent.values.append("Tuesday readers")
        try await carol.rename(club.id, to: "Tuesday readers")
        say("   @carol renames the group to \"Tuesday readers\"")
        try await text(carol, "How about The Moonstone?", to: club.id)
        try await receive(alice, "alice")
        try await receive(bob, "bob")

        step(6, "A file in the group: encrypted on Alice's device in chunks, uploaded as a blob; the key travels in an MLS message")
        let file = root.appendingPathComponent("reading-list.txt")
        let fileText = "Reading list, private: The Moonstone; The Woman in White; secret-\(UUID().uuidString)\n"
        sent.values.append(fileText.trimmingCharacters(in: .newlines))
        try Data(fileText.utf8).write(to: file)
        let entry = try await alice.sendFile(file, to: club.id)
        say("   @alice sends reading-list.txt (\(entry.fileSize ?? 0) bytes)")
        let report = try await bob.receive()
        if let received = report.messages.first(where: { $0.kind == .file }) {
            let saved = root.appendingPathComponent("bob-reading-list.txt")
            try await bob.downloadFile(received, to: saved)
            let same = try Data(contentsOf: saved) == Data(fileText.utf8)
            say("   @bob downloads, verifies every chunk and decrypts it: \(same ? "identical to Alice's file" : "MISMATCH")")
        }
        _ = try await carol.receive()

        step(7, "Mallory, a stranger, sends Alice a request; Alice blocks her; Mallory tries again")
        let mallory = try await person("mallory")
        try await mallory.addContact(username: "alice")
        say("   alice sees \(try await alice.requests().count) request; she blocks @mallory")
        try await alice.blockRequest("mallory")
        try await mallory.addContact(username: "alice")
        say("   Mallory's second request gets the answer of a delivered one (she cannot tell she is blocked)")
        say("   alice now sees \(try await alice.requests().count) requests; the relay dropped it")

        step(8, "Bob goes offline; Alice and Carol write to the group; those messages wait at the relay")
        try await text(alice, "See you Tuesday at 7.", to: club.id)
        try await text(carol, "I'll bring tea.", to: club.id)

        step(9, "What the server holds (relay.sqlite, its WAL, the blob directory)")
        let view = try ServerView.read(data: data)
        if json {
            Output.print(Output.json(view))
        } else {
            for line in view.lines() { say(line) }
        }
        let search = try ServerView.search(data: data, for: sent.values)
        say("")
        say("   Every plaintext sent above (\(sent.values.count) messages, names and the file's text) searched in every byte the relay wrote")
        say("   (\(search.files) files, \(search.bytes) bytes): found \(search.hits) times.")
        guard search.hits == 0 else { throw ExitCode(1) }

        step(10, "Bob comes back online and catches up")
        try await receive(bob, "bob")
    }
}

/// A summary of the relay's storage: every table with its row count, payload sizes for the
/// tables holding ciphertext, the blob files, and what the data inventory says each holds.
struct ServerView: Encodable {
    struct Table: Encodable {
        var name: String
        var rows: Int
        var bytes: Int?
        var holds: String
    }
    var tables: [Table]
    var blobFiles: Int
    var blobBytes: Int

    /// The data inventory of docs/relay.md, one line per table.
    static let inventory: [String: String] = [
        "accounts": "random account id, optional username, creation time",
        "devices": "device id, account id, Ed25519 public key",
        "key_packages": "opaque KeyPackages (public keys + credential) waiting to be claimed",
        "messages": "one row per send: opaque MLS ciphertext (payload bytes shown)",
        "mailbox_entries": "entry id, recipient device, message id; sender account for requests only",
        "commit_claims": "group id, epoch, SHA-256 of the accepted commit",
        "delivery_tokens": "SHA-256 of each account's delivery token (not the token)",
        "blocks": "who blocked whom",
        "rate_limits": "counters keyed by account or device",
        "mailbox_usage": "payload bytes queued per device (kept by triggers)",
        "request_nonces": "nonces of accepted signed requests, for 600 s (replay protection)",
        "blobs": "SHA-256 of each encrypted blob, owner, size",
        "blob_uploads": "uploads in progress",
        "grdb_migrations": "names of applied schema migrations",
        "sqlite_sequence": "SQLite's AUTOINCREMENT counters",
    ]

    static func read(data: URL) throws -> ServerView {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: data.appendingPathComponent("relay.sqlite").path, configuration: configuration)
        let tables = try queue.read { db -> [Table] in
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            return try names.map { name in
                let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(quoted)") ?? 0
                var bytes: Int?
                switch name {
                case "messages": bytes = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(length(payload)), 0) FROM messages")
                case "key_packages": bytes = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(length(data)), 0) FROM key_packages")
                case "blobs": bytes = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(size), 0) FROM blobs")
                default: bytes = nil
                }
                return Table(name: name, rows: rows, bytes: bytes, holds: inventory[name] ?? "(not in the inventory: report this)")
            }
        }
        var files = 0
        var total = 0
        let blobs = data.appendingPathComponent("blobs")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: blobs.path)) ?? [] {
            files += 1
            total += ((try? FileManager.default.attributesOfItem(atPath: blobs.appendingPathComponent(name).path)[.size]) as? Int) ?? 0
        }
        return ServerView(tables: tables, blobFiles: files, blobBytes: total)
    }

    func lines() -> [String] {
        var out = ["   table               rows   ciphertext bytes   holds (data inventory)"]
        for table in tables {
            let name = table.name.padding(toLength: 18, withPad: " ", startingAt: 0)
            let rows = String(table.rows).leftPadded(6)
            let bytes = (table.bytes.map(String.init) ?? "-").leftPadded(18)
            out.append("   \(name) \(rows)   \(bytes)   \(table.holds)")
        }
        out.append("   blob files: \(blobFiles), \(blobBytes) bytes of ciphertext (named by their SHA-256)")
        out.append("   No table has a column for message text, group names, file names or keys: there is nothing to show.")
        return out
    }

    /// Searches every file under `data` for each plaintext (UTF-8).
    static func search(data: URL, for plaintexts: [String]) throws -> (files: Int, bytes: Int, hits: Int) {
        var files = 0, bytes = 0, hits = 0
        let enumerator = FileManager.default.enumerator(at: data, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let content = try Data(contentsOf: url)
            files += 1
            bytes += content.count
            for plaintext in plaintexts where content.range(of: Data(plaintext.utf8)) != nil { hits += 1 }
        }
        return (files, bytes, hits)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
