public import ArgumentParser

/// `letterlock`: the command-line client. Every subcommand takes `--relay`, `--home` and `--json`.
public struct LetterlockCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "letterlock",
        abstract: "Letterlock: end-to-end encrypted messaging. Try `letterlock demo` first.",
        subcommands: [
            RegisterCommand.self, WhoamiCommand.self, UsernameCommand.self, DevicesCommand.self, ContactsCommand.self, RequestsCommand.self,
            BlockCommand.self, UnblockCommand.self, VerifyCommand.self, ListenCommand.self, SendCommand.self, InboxCommand.self, ChatCommand.self,
            ConversationsCommand.self, GroupCommand.self, FileCommand.self, DemoCommand.self,
        ]
    )

    public init() {}

    /// Parses and runs `arguments` in-process, returning the exit code (for tests and `main`).
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            // Commands have printed their own message before throwing an ExitCode.
            let code = exitCode(for: error)
            if code == .success {
                Console.current.out(fullMessage(for: error))
            } else if !(error is ExitCode) {
                Console.current.err(fullMessage(for: error))
            }
            return code.rawValue
        }
    }
}
