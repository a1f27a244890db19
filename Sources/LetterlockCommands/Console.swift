import Foundation

/// Where commands write. A task-local so tests can capture a command's output in-process.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Asks for a secret without echo; nil when there is no terminal.
    public var readSecret: @Sendable (String) -> String?
    /// Asks a question and reads the answer line (with echo); nil at end of input.
    public var ask: @Sendable (String) -> String?
    /// The next line typed (`chat`); blocks until there is one, nil at end of input.
    public var nextLine: @Sendable () -> String?
    /// True for ``standard`` only: `chat` may then take over the terminal (``ChatTerminal``).
    var isStandard = false

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
        readSecret: @escaping @Sendable (String) -> String? = { _ in nil }, ask: @escaping @Sendable (String) -> String? = { _ in nil },
        nextLine: @escaping @Sendable () -> String? = { nil }
    ) {
        self.out = out
        self.err = err
        self.readSecret = readSecret
        self.ask = ask
        self.nextLine = nextLine
    }

    public static let standard: Console = {
        var console = Console(
            out: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
            err: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
            readSecret: Console.promptWithoutEcho,
            ask: { prompt in
                FileHandle.standardError.write(Data(prompt.utf8))
                return readLine(strippingNewline: true)
            },
            nextLine: { readLine(strippingNewline: true) }
        )
        console.isStandard = true
        return console
    }()

    /// True when the person answered yes to `question`.
    func confirms(_ question: String) -> Bool {
        guard let answer = ask(question + " [y/N] ")?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }

    @TaskLocal public static var current = Console.standard

    /// Reads a line from the terminal with echo off (termios), restoring the mode afterwards.
    static func promptWithoutEcho(_ prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
