import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal during `letterlock chat`: a prompt with the line being typed at the bottom, and
/// every message (incoming, sent, errors) printed above it, so a message that arrives while
/// someone types never lands in the middle of their line. Works in any VT100-style terminal,
/// tmux and screen included (it uses only CR, `ESC [ n A` and `ESC [ J`).
///
/// Standard input goes out of canonical mode with echo off (``LineEditor`` does the editing) and
/// comes back as it was on ``stop()``, on ^C, ^D, `/quit`, SIGTERM and SIGHUP. Used only when
/// standard input and output are both terminals; piped input keeps plain line reading.
final class ChatTerminal: @unchecked Sendable {
    private let lock = NSLock()
    private var editor: LineEditor
    private let columns: @Sendable () -> Int
    private let write: @Sendable (String) -> Void
    private let readByte: @Sendable () -> UInt8?
    private var original: termios?
    private var signalSources: [any DispatchSourceSignal] = []

    /// - Parameters:
    ///   - columns: the terminal's width (the prompt line may wrap).
    ///   - write: where drawing goes (standard output).
    ///   - readByte: the next byte typed, nil at end of input.
    init(
        prompt: String = "> ", columns: @escaping @Sendable () -> Int = ChatTerminal.terminalColumns,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
        readByte: @escaping @Sendable () -> UInt8? = ChatTerminal.readStandardInput
    ) {
        editor = LineEditor(prompt: prompt)
        self.columns = columns
        self.write = write
        self.readByte = readByte
    }

    /// True when standard input and output are both terminals.
    static var isAvailable: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Switches standard input to byte-at-a-time reading without echo and draws the prompt.
    func start() {
        var mode = termios()
        if tcgetattr(STDIN_FILENO, &mode) == 0 {
            original = mode
            // No line editing, echo or signal keys (^C and ^D arrive as bytes and end the chat
            // cleanly, restoring the terminal); CR is not turned into LF (both submit).
            mode.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
            mode.c_iflag &= ~tcflag_t(ICRNL | IXON)
            withUnsafeMutableBytes(of: &mode.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &mode)
        }
        for number in [SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { [self] in
                stop()
                exit(128 + number)
            }
            source.resume()
            signalSources.append(source)
        }
        locked { write(editor.rendered) }
    }

    /// Erases the prompt and gives the terminal back its mode (safe to call twice).
    func stop() {
        locked {
            guard var mode = original else { return }
            write(editor.erasing(columns: columns()))
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &mode)
            original = nil
        }
    }

    /// Prints `text` (one or more lines) above the line being typed, then redraws that line.
    func print(_ text: String) {
        locked { write(editor.erasing(columns: columns()) + text + "\n" + editor.rendered) }
    }

    /// The next line typed; nil at end of input, on ^D on an empty line, or on ^C.
    func readLine() -> String? {
        while let byte = readByte() {
            let action = locked {
                let before = editor.erasing(columns: columns())
                let action = editor.feed(byte)
                if action != .none { write(before + editor.rendered) }
                return action
            }
            switch action {
            case .submit(let line): return line
            case .end, .interrupt: return nil
            case .none, .redraw: continue
            }
        }
        return nil
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// A console that prints through this terminal and reads lines from it.
    func console(base: Console) -> Console {
        var console = base
        console.out = { [self] in print($0) }
        console.err = { [self] in print($0) }
        console.nextLine = { [self] in readLine() }
        return console
    }

    static let terminalColumns: @Sendable () -> Int = {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    static let readStandardInput: @Sendable () -> UInt8? = {
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }
}
