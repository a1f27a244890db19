import ArgumentParser
import Foundation
import LetterlockKit
import RelayAPI

/// `letterlock chat NAME`: an interactive, line-based chat. Incoming messages arrive over the
/// relay's push WebSocket (``PushConnection``: reconnects with back-off when the relay goes
/// away) and are printed as they come, while lines typed on standard input are sent. Only while
/// push is unavailable does it poll every `--interval` seconds. Works in any terminal, under
/// tmux, and with piped input (it ends at end of input).
///
/// NAME may be someone who is not a contact yet: the first line typed goes to them as a message
/// request, and later lines wait on this device until they accept.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Chat interactively with a contact, a group, or someone new (/file PATH sends a file, /quit leaves).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "A contact's username, a group name, a conversation id, or a username to send a message request to.") var name: String
    @Option(help: "Seconds between fetches of new messages while push is unavailable.") var interval: Double = 1
    @Option(help: "How many earlier messages to show first.") var history: Int = 10
    @Flag(help: "Poll instead of using the push connection.") var poll = false

    enum Event: Sendable {
        case line(String)
        case end
        case tick
        /// An entry from the push connection; the loop handles it (serially with sends) and
        /// answers whether to acknowledge it.
        case pushed(MailboxEntryBody, CheckedContinuation<Bool, any Error>)
        case push(PushConnection.Event)
    }

    func run() async throws {
        try await options.runConversation {
            let client = try options.openClient()  // before the terminal changes mode: it may ask for the passphrase
            _ = try await client.receive()
            // A contact or conversation now; a stranger once the first line is sent.
            let conversation = try await client.chatTarget(name)
            // On a terminal, typed text stays on its own line below the messages.
            guard !options.json, Console.current.isStandard, ChatTerminal.isAvailable else {
                return try await converse(client: client, conversation: conversation, terminal: nil)
            }
            let terminal = ChatTerminal()
            terminal.start()
            defer { terminal.stop() }
            try await Console.$current.withValue(terminal.console(base: Console.current)) {
                try await converse(client: client, conversation: conversation, terminal: terminal)
            }
        }
    }

    /// The chat itself: history, then typed lines and pushed entries on one serial loop.
    /// With a `terminal`, sent messages are shown as lines of the history (nothing echoes them).
    private func converse(client: LetterlockClient, conversation start: Conversation?, terminal: ChatTerminal?) async throws {
        var conversation = start
        let title = conversation.map { MessageFormat.title($0, client: client) } ?? "@\(name)"
        if !options.json {
            Output.print("Chat with \(title), end-to-end encrypted (MLS). Type and press Enter. /file PATH sends a file, /quit leaves.")
            if conversation == nil {
                Output.print("Not a contact yet: your first line goes to them as a message request; the rest waits until they accept.")
            }
        }
        if let conversation {
            for entry in try client.allMessages(in: conversation.id).suffix(history) { show(entry, client: client) }
        }

        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let input = Console.current.nextLine
        let reader = Thread {
            while let line = input() { continuation.yield(.line(line)) }
            continuation.yield(.end)
        }
        reader.start()
        let period = max(0.2, interval)
        let ticker = Thread {
            while true {
                Thread.sleep(forTimeInterval: period)
                if case .terminated = continuation.yield(.tick) { return }
            }
        }
        ticker.start()
        let push: Task<Void, any Error>? =
            poll
            ? nil
            : Task {
                try await PushConnection(relay: client.relay).run(onEvent: { continuation.yield(.push($0)) }) { entry in
                    try await withCheckedThrowingContinuation { answer in
                        if case .terminated = continuation.yield(.pushed(entry, answer)) { answer.resume(throwing: CancellationError()) }
                    }
                }
            }
        var iterator = events.makeAsyncIterator()
        defer {
            push?.cancel()
            continuation.finish()
        }

        var pushReady = false
        var ticks = 0
        loop: while let event = await iterator.next() {
            switch event {
            case .end:
                _ = try? await client.receiveMessages()
                break loop
            case .push(let state):
                pushReady = state == .ready
                if state == .ready {
                    // Anything sent while we were not connected comes as pushed entries;
                    // messages waiting for an accept may go now.
                    if let report = try? await client.receive() { show(report, client: client, current: conversation?.id) }
                }
            case .pushed(let entry, let answer):
                do {
                    let (acknowledge, report) = try await client.handlePushed(entry)
                    show(report, client: client, current: conversation?.id)
                    answer.resume(returning: acknowledge)
                } catch {
                    answer.resume(throwing: error)  // the connection drops; the entry comes again
                }
            case .tick:
                // Polling only while push is unavailable (not connected yet, or refused).
                guard !pushReady else { continue }
                ticks += 1
                do {
                    let report = ticks % 15 == 0 ? try await client.receive() : try await client.receiveMessages()
                    show(report, client: client, current: conversation?.id)
                } catch {
                    if ticks % 15 == 0 { Console.current.err("letterlock: (could not fetch: \(error))") }
                }
            case .line(let raw):
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty { continue }
                if line == "/quit" || line == "/exit" { break loop }
                do {
                    if line.hasPrefix("/file ") {
                        guard let current = conversation else {
                            Console.current.err("letterlock: error: send a first message before a file: they have not accepted you yet")
                            continue
                        }
                        let url = URL(fileURLWithPath: (String(line.dropFirst(6)) as NSString).expandingTildeInPath)
                        try FileCommand.checkReadable(url)
                        let entry = try await client.sendFile(url, to: current.id)
                        if options.json {
                            Output.print(Output.jsonLine(MessageFormat.Row(entry, client: client)))
                        } else if terminal != nil {
                            show(entry, client: client)
                        } else {
                            Output.print("(sent \(entry.fileName ?? "file"))")
                        }
                    } else {
                        let sent = try await client.sendText(line, toName: conversation?.id ?? name)
                        conversation = sent.conversation
                        if options.json {
                            Output.print(Output.jsonLine(MessageFormat.SentRow(sent, client: client)))
                            continue
                        }
                        if terminal != nil { show(sent.entry, client: client) }
                        if sent.delivery != .sent {
                            Output.print("(\(MessageFormat.delivery(sent, client: client)))")
                        }
                    }
                } catch let failure as CommandFailure {
                    Console.current.err("letterlock: error: \(failure.message)")
                } catch {
                    Console.current.err("letterlock: error: \(error)")
                }
            }
        }
        // Answer what is still waiting so the push task can end.
        push?.cancel()
        continuation.finish()
        while let event = await iterator.next() {
            if case .pushed(_, let answer) = event { answer.resume(returning: false) }
        }
    }

    private func show(_ report: LetterlockClient.ConversationReport, client: LetterlockClient, current: String?) {
        for entry in report.messages { show(entry, client: client, current: current) }
        for line in MessageFormat.undelivered(report.undelivered, client: client) { Console.current.err(line) }
        if report.contacts.newRequests > 0, !options.json {
            Output.print("(\(report.contacts.newRequests) new message request(s): letterlock requests)")
        }
    }

    private func show(_ entry: ConversationEntry, client: LetterlockClient, current: String? = nil) {
        if options.json { return Output.print(Output.jsonLine(MessageFormat.Row(entry, client: client))) }
        Output.print(MessageFormat.line(entry, client: client, showConversation: current != nil && entry.conversationID != current))
    }
}

extension LetterlockClient {
    /// The conversation `chat NAME` opens: an existing one, or a new 1:1 chat with an accepted
    /// contact; nil for someone who has not accepted us (the first line sent starts it).
    func chatTarget(_ name: String) async throws -> Conversation? {
        do {
            return try await conversationOrStart(name)
        } catch let error as ConversationError where error == .notAContact || error == .contactNotAccepted {
            _ = try await resolve(name.hasPrefix("@") ? String(name.dropFirst()) : name)  // an unknown name fails here, before the chat opens
            return nil
        }
    }
}
