import ArgumentParser
import Foundation
import LetterlockFiles
import FileCipher
import LetterlockKit
import RelayAPI

extension GlobalOptions {
    /// The transfer progress bar: drawn on standard error only when standard output and error
    /// are both terminals (a pipe or redirect on either means a script is reading), never with
    /// --json, and not for files under 1 MiB, which go before a bar could say anything.
    func progressBar(label: String, size: Int64) -> TerminalProgressBar {
        let interactive = !json && size >= 1 << 20 && isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
        return TerminalProgressBar(label: label, forceEnabled: interactive)
    }
}

struct FileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file", abstract: "Send and fetch end-to-end encrypted files in a conversation, or by a public link.", subcommands: [Send.self, Get.self, Publish.self])

    /// Fails clearly, before anything is uploaded, unless `url` is a readable regular file.
    static func checkReadable(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CommandFailure(code: "no_such_file", message: "no file at \(url.path)", exit: 1)
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: url.path) else {
            throw CommandFailure(code: "unreadable_file", message: "\(url.path) is a directory or cannot be read", exit: 1)
        }
    }

    /// A file's size for the progress bar (0 when unknown: no bar).
    static func size(of url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.int64Value ?? 0
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send", abstract: "Encrypt a file on this device, upload it, and send its key in a file message.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "A contact's username, a group name, or a conversation id.") var name: String
        @Argument(help: "The file to send.") var path: String

        func run() async throws {
            try await options.runConversation {
                let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
                try FileCommand.checkReadable(url)
                let client = try options.openClient()
                _ = try await client.receive()
                let conversation = try await client.conversationOrStart(name)
                let bar = options.progressBar(label: url.lastPathComponent, size: FileCommand.size(of: url))
                let entry = try await client.sendFile(url, to: conversation.id) { bar.update($0) }
                bar.finish()
                if options.json { return Output.print(Output.json(MessageFormat.Row(entry, client: client))) }
                Output.print(
                    "Sent \(entry.fileName ?? url.lastPathComponent) (\(ByteCountFormatter.string(fromByteCount: entry.fileSize ?? 0, countStyle: .file))) to \(MessageFormat.title(conversation, client: client)).")
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get", abstract: "Download, verify and decrypt a file from a conversation (the latest one, or by message id prefix).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The conversation (contact username, group name, or id).") var name: String
        @Argument(help: "The file message's id (or its first characters); default: the latest file.") var message: String?
        @Option(help: "Where to save (a directory or a file path; default: the current directory).") var output: String?
        @Flag(help: "Replace a file already at the destination (default: refuse).") var force = false

        func run() async throws {
            try await options.runConversation {
                let client = try options.openClient()
                if name.hasPrefix("https://") || name.hasPrefix("http://") { return try await getLink(client) }
                _ = try await client.receive()
                let conversation = try await client.findConversation(name)
                let files = try client.allMessages(in: conversation.id).filter { $0.kind == .file }
                guard let entry = message.map({ prefix in files.last { $0.messageID.hasPrefix(prefix) } }) ?? files.last else {
                    throw CommandFailure(
                        code: "no_file",
                        message: message == nil
                            ? "no file in this conversation yet" : "no file message in this conversation has an id starting with that (`letterlock inbox` shows them)",
                        exit: 4)
                }
                let destination = Self.destination(output, name: entry.fileName ?? "file")
                let bar = options.progressBar(label: destination.lastPathComponent, size: entry.fileSize ?? 0)
                try await client.downloadFile(entry, to: destination, replacingExisting: force) { bar.update($0) }
                bar.finish()
                if options.json { return Output.print(Output.json(["saved": destination.path, "messageID": entry.messageID])) }
                Output.print("Saved \(destination.path) (\(ByteCountFormatter.string(fromByteCount: entry.fileSize ?? 0, countStyle: .file)), verified).")
            }
        }

        /// `file get LINK`: a public link, from this device's relay only.
        private func getLink(_ client: LetterlockClient) async throws {
            let link = try PublicLink(parsing: name)
            guard RequestSigning.authority(of: link.relay) == RequestSigning.authority(of: URL(string: client.relay.baseURL) ?? link.relay) else {
                // No opt-in on purpose: the download is a signed request, which the other relay
                // refuses (it does not know this device) and which would tell it who opened the link.
                let host = RequestSigning.authority(of: link.relay) ?? "another host"
                throw CommandFailure(
                    code: "other_relay",
                    message:
                        "this link's file is on another relay (\(host)), and downloads are signed requests that relay would refuse: "
                        + "use a device registered there (`letterlock register --home DIR --relay \(link.relay.absoluteString)`, then "
                        + "`letterlock file get LINK --home DIR`)", exit: 1)
            }
            let destination = Self.destination(output, name: link.manifest.name)
            let bar = options.progressBar(label: destination.lastPathComponent, size: link.manifest.plaintextSize)
            try await client.downloadPublicLink(link, to: destination, replacingExisting: force) { bar.update($0) }
            bar.finish()
            if options.json { return Output.print(Output.json(["saved": destination.path, "blobID": link.manifest.blobID])) }
            Output.print("Saved \(destination.path) (\(ByteCountFormatter.string(fromByteCount: link.manifest.plaintextSize, countStyle: .file)), verified).")
        }

        /// Where to save: `output` (a directory gets the sender's name, made safe), else the
        /// current directory.
        static func destination(_ output: String?, name: String) -> URL {
            // The sender chose the name: never a path, a dotfile, an option-like or a
            // bidi-spoofed name (review L10).
            let fileName = FileManifest.safeFileName(name)
            var destination = URL(fileURLWithPath: ((output ?? ".") as NSString).expandingTildeInPath)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory), isDirectory.boolValue {
                destination.appendPathComponent(fileName)
            }
            return destination
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Encrypt and upload a file for a public link: anyone with the link can read it (the key is only in the link).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The file to publish.") var path: String

        func run() async throws {
            try await options.runConversation {
                let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
                try FileCommand.checkReadable(url)
                let client = try options.openClient()
                let bar = options.progressBar(label: url.lastPathComponent, size: FileCommand.size(of: url))
                let link = try await client.publishFile(url) { bar.update($0) }
                bar.finish()
                if options.json { return Output.print(Output.json(["link": link.url, "blobID": link.manifest.blobID])) }
                Output.print(link.url)
                Console.current.err(
                    "Anyone with this link can download and read the file (the key is in the part after #, which is never sent to the relay). Share it privately.")
            }
        }
    }
}
