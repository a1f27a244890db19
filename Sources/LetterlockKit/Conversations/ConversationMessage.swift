public import Foundation

/// What travels inside an MLS application message of a Letterlock conversation (the
/// conversation-message envelope, version 1). Only the group's members can read it: the relay
/// sees an MLS `PrivateMessage`.
///
/// Encoded as JSON (sorted keys) with a format version; ``ConversationMessageIn`` is the
/// unverified form every received message goes through (unknown versions and kinds, missing
/// fields and oversized values are refused).
///
/// ```
/// { "v": 1, "id": <16 random bytes, hex>, "kind": "text" | "rename" | "file" | "info",
///   "sentAt": <Unix seconds>, "text"?, "name"?, "file"? (FileManifest bytes, base64),
///   "conversation"? ("direct" | "group"), "tokens"? ({account id: delivery token (base64)}) }
/// ```
///
/// - `text`: a chat message.
/// - `rename`: the group's new name (the name never leaves the group unencrypted).
/// - `file`: an encrypted file's manifest (blob id, key, name, size), see docs/file-format.md.
/// - `info`: sent by whoever adds members: the conversation's kind, its name, and the delivery
///   token of every member account the sender knows, so that each member can reach every other
///   member with sealed sends (the relay never learns who sends to the group).
public struct ConversationMessage: Sendable, Hashable, Codable {
    public static let currentVersion = 1

    public enum Kind: String, Sendable, Hashable, Codable {
        case text, rename, file, info
    }

    public var v: Int
    /// Random, chosen by the sender: receivers drop a message whose id they already hold (a
    /// message re-sent after a concurrent commit arrives twice).
    public var id: String
    public var kind: Kind
    public var sentAt: Int64
    public var text: String?
    public var name: String?
    public var file: Data?
    public var conversation: ConversationKind?
    public var tokens: [String: Data]?

    public init(
        kind: Kind, sentAt: Int64, text: String? = nil, name: String? = nil, file: Data? = nil, conversation: ConversationKind? = nil,
        tokens: [String: Data]? = nil, id: String = ConversationMessage.randomID()
    ) {
        self.v = Self.currentVersion
        self.id = id
        self.kind = kind
        self.sentAt = sentAt
        self.text = text
        self.name = name
        self.file = file
        self.conversation = conversation
        self.tokens = tokens
    }

    public static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The bytes that go into `MLSGroup.encrypt`.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(self))
    }
}

/// A 1:1 chat (two accounts, every device of each) or a named group.
public enum ConversationKind: String, Sendable, Hashable, Codable {
    case direct, group
}

/// A received conversation message before its checks (the decrypted plaintext of an MLS
/// application message is still untrusted input: any member can send any bytes).
public struct ConversationMessageIn: Sendable {
    /// Bounds: an MLS application message is at most what the relay accepts (1 MiB).
    public static let maximumSize = 256 * 1024
    public static let maximumTextBytes = 64 * 1024
    public static let maximumNameBytes = 256
    public static let maximumTokens = 1_000

    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Decodes and checks: version 1, a 32-hex-character id, the fields each kind needs, sizes.
    public func validated() throws -> ConversationMessage {
        guard bytes.count <= Self.maximumSize else { throw ConversationError.malformedMessage }
        struct Version: Decodable { var v: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: Data(bytes)) else { throw ConversationError.malformedMessage }
        guard version.v == ConversationMessage.currentVersion else { throw ConversationError.unsupportedMessageVersion }
        guard let message = try? JSONDecoder().decode(ConversationMessage.self, from: Data(bytes)) else {
            throw ConversationError.malformedMessage
        }
        guard message.id.utf8.count == 32, message.id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw ConversationError.malformedMessage
        }
        if let text = message.text, text.utf8.count > Self.maximumTextBytes { throw ConversationError.malformedMessage }
        if let name = message.name, name.utf8.count > Self.maximumNameBytes || name.isEmpty { throw ConversationError.malformedMessage }
        if let tokens = message.tokens {
            guard tokens.count <= Self.maximumTokens, tokens.allSatisfy({ RelayClient.isRelayID($0.key) && $0.value.count == 32 }) else {
                throw ConversationError.malformedMessage
            }
        }
        switch message.kind {
        case .text: guard message.text != nil else { throw ConversationError.malformedMessage }
        case .rename: guard message.name != nil else { throw ConversationError.malformedMessage }
        case .file: guard message.file != nil else { throw ConversationError.malformedMessage }
        case .info: guard message.conversation != nil else { throw ConversationError.malformedMessage }
        }
        return message
    }
}
