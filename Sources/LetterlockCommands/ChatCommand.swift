import ArgumentParser
import Foundation
import LetterlockKit

/// `letterlock chat NAME`: an interactive, line-based chat. Incoming messages are fetched every
/// `--interval` seconds and printed as they arrive, while lines typed on standard input are
/// sent. Works in any terminal, under tmux, and with piped input (it ends at end of input).
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Chat interactively with a contact or a group (/file PATH sends a file, /quit leaves).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "A contact's username, a group name, or a conversation id.") var name: String
    @Option(help: "Seconds between fetches of new messages.") var interval: Double = 1
    @Option(help: "How many earlier messages to show first.") var history: Int = 10

    enum Event: Sendable {
        case line(String)
        case tick
        case end
    }

    func run() async throws {
        try await options.runConversation {
            let client = try options.openClient()
            _ = try await client.receive()
            let conversation = try await client.conversationOrStart(name)
            let title = MessageFormat.title(conversation, client: client)
            if !options.json {
                Output.print("Chat with \(title), end-to-end encrypted (MLS). Type and press Enter. /file PATH sends a file, /quit leaves.")
            }
            for entry in try client.messages(in: conversation.id).suffix(history) { show(entry, client: client) }

            let (events, continuation) = AsyncStream.makeStream(of: Event.self)
            let reader = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(.line(line)) }
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
            defer { continuation.finish() }

            var ticks = 0
            for await event in events {
                switch event {
                case .end:
                    _ = try? await client.receiveMessages()
                    return
                case .tick:
                    ticks += 1
                    do {
                        let report = ticks % 15 == 0 ? try await client.receive() : try await client.receiveMessages()
                        for entry in report.messages { show(entry, client: client, current: conversation.id) }
                    } catch {
                        if ticks % 15 == 0 { Console.current.err("letterlock: (could not fetch: \(error))") }
                    }
                case .line(let raw):
                    let line = raw.trimmingCharacters(in: .whitespaces)
                    if line.isEmpty { continue }
                    if line == "/quit" || line == "/exit" { return }
                    do {
                        if line.hasPrefix("/file ") {
                            let url = URL(fileURLWithPath: (String(line.dropFirst(6)) as NSString).expandingTildeInPath)
                            let entry = try await client.sendFile(url, to: conversation.id)
                            if !options.json { Output.print("(sent \(entry.fileName ?? "file"))") }
                        } else {
                            let entry = try await client.sendText(line, to: conversation.id)
                            if options.json { Output.print(Output.json(MessageFormat.Row(entry))) }
                        }
                    } catch {
                        Console.current.err("letterlock: error: \(error)")
                    }
                }
            }
        }
    }

    private func show(_ entry: ConversationEntry, client: LetterlockClient, current: String? = nil) {
        if options.json { return Output.print(Output.json(MessageFormat.Row(entry))) }
        Output.print(MessageFormat.line(entry, client: client, showConversation: current != nil && entry.conversationID != current))
    }
}
