import Foundation
import Hummingbird
import NIOCore
import LetterlockKit
import Logging
import Relay
import RelayStorage
import ServiceLifecycle
import Synchronization
import Testing

/// Every log line a relay wrote, at trace level, kept in memory (for the canary test).
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

struct CapturingLogHandler: LogHandler {
    let sink: CapturedLogs
    let label: String
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        sink.append("\(event.level) \(label) \(event.message) \(merged) \(event.source) \(event.file):\(event.line)")
    }
}

extension LiveRelay {
    /// Like ``run(configure:_:)`` with the relay's logger at trace level into `logs`, and the
    /// data directory kept until `inspect` ran after the relay shut down.
    static func runCapturing(
        logs: CapturedLogs, _ body: @Sendable (_ url: String, _ data: URL) async throws -> Void, inspect: (URL) throws -> Void
    ) async throws {
        let data = temporaryDirectory("relay")
        defer { try? FileManager.default.removeItem(at: data) }
        var logger = Logger(label: "test.relay") { CapturingLogHandler(sink: logs, label: $0) }
        logger.logLevel = .trace
        try await run(data: data, logger: logger, body)
        try inspect(data)
    }
}

extension Person {
    /// Makes `self` and `other` accepted contacts (invite link: sealed at once), both holding
    /// each other's delivery token.
    func befriend(_ other: Person) async throws {
        try await client.addContact(invite: try other.client.inviteLink())
        _ = try await other.client.sync()
        _ = try await client.sync()
    }

    var account: String { client.identity.accountID }

    /// The conversation suites' usual cast: Alice, Bob and Carol registered on `relay`, Alice a
    /// contact of each of the other two (Bob and Carol are not contacts of each other).
    static func aliceAndHerFriends(relay: String) async throws -> (alice: Person, bob: Person, carol: Person) {
        let alice = try await Person.register("alice", relay: relay)
        let bob = try await Person.register("bob", relay: relay)
        let carol = try await Person.register("carol", relay: relay)
        try await alice.befriend(bob)
        try await alice.befriend(carol)
        return (alice, bob, carol)
    }

    /// Creates a group of `self` and `members` (contacts, by username) and lets each member's
    /// first device receive its Welcome.
    func createGroup(named name: String, with members: [Person]) async throws -> Conversation {
        let group = try await client.createGroup(named: name, members: try members.map { try #require($0.client.identity.username) })
        for member in members { _ = try await member.client.receive() }
        return group
    }
}

extension LetterlockClient {
    /// The texts of a conversation's history, oldest first.
    func texts(_ id: String) throws -> [String] { try messages(in: id).compactMap(\.text) }
}

/// Counts occurrences of a canary in files and strings: its UTF-8 bytes, and its base64 form at
/// each of the three alignments (so a value logged or stored base64-encoded is found too).
struct CanarySearch {
    let patterns: [[UInt8]]

    init(_ canary: String) {
        var patterns = [Array(canary.utf8)]
        for offset in 0..<3 {
            let encoded = Array((Data(repeating: 0x20, count: offset) + Data(canary.utf8)).base64EncodedString().utf8)
            // Drop the characters that mix in the prefix or the padding.
            patterns.append(Array(encoded.dropFirst(4).dropLast(4)))
        }
        self.patterns = patterns
    }

    func count(in bytes: [UInt8]) -> Int {
        var total = 0
        for pattern in patterns where !pattern.isEmpty && bytes.count >= pattern.count {
            var index = 0
            while index <= bytes.count - pattern.count {
                if bytes[index] == pattern[0] && bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                    total += 1
                    index += pattern.count
                } else {
                    index += 1
                }
            }
        }
        return total
    }

    /// Every regular file under `directory`; returns (files searched, bytes searched, hits).
    func search(directory: URL) throws -> (files: Int, bytes: Int, hits: Int) {
        var files = 0, bytes = 0, hits = 0
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let data = Array(try Data(contentsOf: url))
            files += 1
            bytes += data.count
            hits += count(in: data)
        }
        return (files, bytes, hits)
    }
}
