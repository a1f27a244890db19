import ArgumentParser
import Foundation
import LetterlockFiles
import FileCipher
import LetterlockKit

extension GlobalOptions {
    /// ``run(_:)`` that also turns conversation and file errors into a clear message and an
    /// exit code: 4 for an unknown conversation or a non-contact, 1 otherwise.
    func runConversation(_ body: () async throws -> Void) async throws {
        do {
            try await run {
                do {
                    try await body()
                } catch let error as LetterlockError where error == .invalidUsername {
                    // A name that is no conversation or contact, and cannot be a username either.
                    throw CommandFailure(
                        code: ConversationError.unknownConversation.name,
                        message: "no conversation, contact or username matches that name (see `letterlock conversations`)", exit: 4)
                }
            }
        } catch let error as ConversationError {
            let exit: Int32 =
                switch error {
                case .unknownConversation, .notAContact, .contactNotAccepted, .notAMember: 4
                default: 1
                }
            throw failure(code: error.name, message: error.description, exit: exit)
        } catch let error as FileError {
            let hint = error == .destinationExists ? " (--force replaces it; --output chooses another path)" : ""
            throw failure(code: "file", message: error.description + hint, exit: 1)
        }
    }

    func failure(code: String, message: String, exit: Int32) -> ExitCode {
        if json {
            Console.current.out(Output.json(["error": ["code": code, "message": message]]))
        } else {
            Console.current.err("letterlock: error: \(message)")
        }
        return ExitCode(exit)
    }
}

/// How messages are shown.
enum MessageFormat {
    static let time: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        return formatter
    }()

    /// `@name` for an account: ourselves as "you", contacts by username, others by a short id.
    static func name(_ account: String, client: LetterlockClient) -> String {
        if account == client.identity.accountID { return "you" }
        if let username = try? client.store.contact(account)?.username { return "@\(username)" }
        return String(account.prefix(8))
    }

    static func title(_ conversation: Conversation, client: LetterlockClient) -> String {
        switch conversation.kind {
        case .direct: conversation.peerAccount.map { name($0, client: client) } ?? "(1:1)"
        case .group: "#\(conversation.name ?? String(conversation.id.prefix(8)))"
        }
    }

    static func line(_ entry: ConversationEntry, client: LetterlockClient, showConversation: Bool) -> String {
        let prefix = showConversation ? ((try? client.conversation(entry.conversationID)).map { "[\(title($0, client: client))] " } ?? "") : ""
        let who = name(entry.senderAccount, client: client)
        let body: String =
            switch entry.kind {
            case .text: entry.text ?? ""
            case .rename: "renamed the group to \"\(entry.name ?? "")\""
            case .file: "sent a file: \(entry.fileName ?? "?") (\(ByteCountFormatter.string(fromByteCount: entry.fileSize ?? 0, countStyle: .file)))"
                + (entry.outgoing ? "" : "  [get: letterlock file get \(argument(entry.conversationID, client: client)) \(entry.messageID.prefix(8))]")
            case .info: "updated the conversation"
            }
        return "\(time.string(from: entry.sentAt)) \(prefix)\(who): \(terminalSafe(body))"
    }

    /// How to name a conversation on the command line (`file get NAME`): a contact's username,
    /// a group's name quoted for the shell when it needs it, else the conversation id.
    static func argument(_ conversationID: String, client: LetterlockClient) -> String {
        guard let conversation = try? client.conversation(conversationID) else { return conversationID }
        let name: String? =
            switch conversation.kind {
            case .direct: conversation.peerAccount.flatMap { try? client.store.contact($0)?.username }
            case .group: conversation.name
            }
        guard let name, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && !(0x7f..<0xa0).contains($0.value) }) else { return conversationID }
        if name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) { return name }
        return "'" + name.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Received text is untrusted: control characters (escape sequences) never reach the terminal.
    static func terminalSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7f..<0xa0).contains($0.value) ? "?" : $0 }))
    }

    /// Who joined or left the conversations that were already there in `before` (a removal, a
    /// leave, this account being removed), as lines for `inbox`: the library reports commits
    /// only as a count, and the member lists tell the rest.
    static func membershipChanges(since before: [Conversation], client: LetterlockClient) throws -> [String] {
        let earlier = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        for conversation in try client.conversations() {
            guard let old = earlier[conversation.id] else { continue }
            let title = title(conversation, client: client)
            if old.active && !conversation.active {
                lines.append("You are no longer in \(title).")
                continue
            }
            let me = client.identity.accountID
            for account in Set(conversation.members).subtracting(old.members).sorted() where account != me {
                lines.append("\(name(account, client: client)) joined \(title).")
            }
            for account in Set(old.members).subtracting(conversation.members).sorted() where account != me {
                lines.append("\(name(account, client: client)) is no longer in \(title).")
            }
        }
        return lines
    }

    /// What `send` and `chat` say about a message that did not simply go out.
    static func delivery(_ sent: LetterlockClient.SentMessage, client: LetterlockClient) -> String {
        let to = title(sent.conversation, client: client)
        switch sent.delivery {
        case .sent: return "Sent to \(to)."
        case .requested: return "Sent to \(to) as a message request: they read it in `letterlock requests`; the chat starts when they accept."
        case .queued: return "Queued for \(to): it is sent once they accept your request (kept on this device until then)."
        }
    }

    /// Warnings for messages the group kept changing under (re-sent too often): never silent.
    static func undelivered(_ entries: [ConversationEntry], client: LetterlockClient) -> [String] {
        entries.map { entry in
            let title = (try? client.conversation(entry.conversationID)).map { self.title($0, client: client) } ?? "?"
            return "WARNING: not delivered to \(title) (the group changed too often while it was sent; send it again): "
                + terminalSafe(entry.text ?? entry.fileName ?? entry.kind.rawValue)
        }
    }

    struct SentRow: Encodable {
        var message: Row
        /// `sent`, `requested` (inside a message request) or `queued` (until they accept).
        var delivery: String
        init(_ sent: LetterlockClient.SentMessage, client: LetterlockClient) {
            message = Row(sent.entry, client: client)
            delivery = sent.delivery.rawValue
        }
    }

    struct Row: Encodable {
        var conversation: String
        var sequence: Int64
        var id: String
        var from: String
        var device: String
        var kind: String
        var text: String?
        var name: String?
        var fileName: String?
        var fileSize: Int64?
        var sentAt: Date
        var outgoing: Bool
        /// Entries fresh from a send or a fetch carry sequence 0: the stored one has its place.
        init(_ fresh: ConversationEntry, client: LetterlockClient) {
            let e = fresh.sequence == 0 ? (try? client.storedMessage(fresh)) ?? fresh : fresh
            conversation = e.conversationID
            sequence = e.sequence
            id = e.messageID
            from = e.senderAccount
            device = e.senderDevice
            kind = e.kind.rawValue
            text = e.text
            name = e.name
            fileName = e.fileName
            fileSize = e.fileSize
            sentAt = e.sentAt
            outgoing = e.outgoing
        }
    }
}

extension LetterlockClient {
    /// Every stored message, oldest first (``messages(in:after:limit:)`` gives pages of at most
    /// 1,000 from the oldest: the latest file or the last lines of a long chat are past them).
    func allMessages(in id: String? = nil) throws -> [ConversationEntry] {
        var all: [ConversationEntry] = []
        while true {
            let page = try messages(in: id, after: all.last?.sequence ?? 0, limit: 1_000)
            all += page
            if page.count < 1_000 { return all }
        }
    }

    /// A conversation by name; a contact without a 1:1 chat gets one.
    func conversationOrStart(_ name: String) async throws -> Conversation {
        do {
            return try await findConversation(name)
        } catch let error as ConversationError where error == .unknownConversation {
            return try await startConversation(with: name.hasPrefix("@") ? String(name.dropFirst()) : name)
        }
    }
}

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send a message to a contact (starts your 1:1 chat) or a group.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "A contact's username, a group name, or a conversation id.") var name: String
    @Argument(help: "The message.") var text: String

    func run() async throws {
        try await options.runConversation {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CommandFailure(code: "empty_message", message: "the message is empty", exit: 1)
            }
            let client = try options.openClient()
            _ = try await client.receive()  // be on the group's latest epoch first
            let sent = try await client.sendText(text, toName: name)
            if options.json { return Output.print(Output.json(MessageFormat.SentRow(sent, client: client))) }
            let undelivered = try client.undeliveredMessages()
            for line in MessageFormat.undelivered(undelivered, client: client) { Console.current.err(line) }
            try client.dismissUndelivered(undelivered)
            Output.print(MessageFormat.delivery(sent, client: client))
        }
    }
}

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "Fetch and show new messages (catching up after being offline).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Also show the last N messages already received.") var last: Int = 0

    func run() async throws {
        try await options.runConversation {
            let client = try options.openClient()
            let before = try client.conversations()
            let report = try await client.receive()
            var entries = report.messages
            if last > 0 {
                let fresh = Set(entries.map(\.sequence))
                let all = try client.allMessages()
                entries = Array(all.filter { !fresh.contains($0.sequence) }.suffix(last)) + entries
            }
            let undelivered = try client.undeliveredMessages()
            if options.json {
                struct Answer: Encodable {
                    var joined: [String]
                    var messages: [MessageFormat.Row]
                    var newRequests: Int
                    var undelivered: [MessageFormat.Row]
                }
                try client.dismissUndelivered(undelivered)
                return Output.print(
                    Output.json(
                        Answer(
                            joined: report.joined, messages: entries.map { MessageFormat.Row($0, client: client) }, newRequests: report.contacts.newRequests,
                            undelivered: undelivered.map { MessageFormat.Row($0, client: client) })))
            }
            for id in report.joined {
                if let conversation = try? client.conversation(id) {
                    let title = MessageFormat.title(conversation, client: client)
                    Output.print(conversation.kind == .direct ? "New chat with \(title)." : "You were added to \(title).")
                }
            }
            for line in try MessageFormat.membershipChanges(since: before, client: client) { Output.print(line) }
            if report.contacts.newRequests > 0 { Output.print("\(report.contacts.newRequests) new message request(s): letterlock requests") }
            // Reported once, then dismissed.
            for line in MessageFormat.undelivered(undelivered, client: client) { Output.print(line) }
            try client.dismissUndelivered(undelivered)
            if entries.isEmpty { Output.print("No new messages.") }
            for entry in entries { Output.print(MessageFormat.line(entry, client: client, showConversation: true)) }
        }
    }
}

struct ConversationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "conversations", abstract: "List your chats and groups.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.runConversation {
            let client = try options.openClient()
            let all = try client.conversations()
            if options.json { return Output.print(Output.json(all)) }
            if all.isEmpty { Output.print("No conversations yet. Start one: letterlock chat NAME") }
            for c in all {
                let members = c.members.map { MessageFormat.name($0, client: client) }.joined(separator: ", ")
                Output.print("\(MessageFormat.title(c, client: client))  \(c.kind.rawValue)  members: \(members)\(c.active ? "" : "  (left)")  id \(c.id)")
            }
        }
    }
}
