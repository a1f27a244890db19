/// The line being typed in `letterlock chat` on a terminal, fed one byte at a time.
///
/// `chat` switches the terminal out of canonical mode so that a message arriving while someone
/// types can be printed *above* the line being typed instead of in the middle of it (the kernel's
/// own line editing cannot be redrawn: it does not say what is typed). This type is the pure part:
/// it keeps the typed bytes, handles the usual editing keys, and says what to draw. It touches no
/// terminal, so tests drive it directly. ``ChatTerminal`` owns the terminal.
///
/// Keys: printable text (UTF-8) is appended; Backspace (DEL or ^H) removes the last character;
/// ^U clears the line; ^W removes the last word; Enter (CR or LF) submits; ^D on an empty line
/// ends input; ^C interrupts; ^L redraws. Escape sequences (arrows, function keys) and other
/// control characters are ignored: the cursor always stays at the end of the line.
struct LineEditor {
    enum Action: Equatable {
        /// Nothing to show (an ignored key, or part of a character or escape sequence).
        case none
        /// The typed line changed: redraw it.
        case redraw
        /// Enter: the line, without the line end; the editor is empty again.
        case submit(String)
        /// ^D on an empty line.
        case end
        /// ^C.
        case interrupt
    }

    let prompt: String
    /// The typed bytes: complete UTF-8 characters only.
    private(set) var typed: [UInt8] = []
    /// Bytes of a multi-byte character still arriving.
    private var partial: [UInt8] = []
    private var escape = EscapeState.none

    private enum EscapeState {
        case none
        /// After ESC.
        case started
        /// Inside `ESC [` or `ESC O`, until a final byte (0x40-0x7E).
        case sequence
    }

    init(prompt: String = "> ") { self.prompt = prompt }

    var text: String { String(decoding: typed, as: UTF8.self) }

    mutating func feed(_ byte: UInt8) -> Action {
        switch escape {
        case .started:
            escape = byte == UInt8(ascii: "[") || byte == UInt8(ascii: "O") ? .sequence : .none
            return .none
        case .sequence:
            if (0x40...0x7E).contains(byte) { escape = .none }
            return .none
        case .none:
            break
        }
        if byte >= 0x80 { return appendContinuing(byte) }
        partial.removeAll()
        switch byte {
        case 0x0D, 0x0A:
            let line = text
            typed.removeAll()
            return .submit(line)
        case 0x7F, 0x08:
            guard !typed.isEmpty else { return .none }
            // Drop the last character: its continuation bytes (10xxxxxx), then its first byte.
            while let last = typed.last, last & 0xC0 == 0x80 { typed.removeLast() }
            typed.removeLast()
            return .redraw
        case 0x15:
            typed.removeAll()
            return .redraw
        case 0x17:
            while typed.last == UInt8(ascii: " ") { typed.removeLast() }
            while let last = typed.last, last != UInt8(ascii: " ") { typed.removeLast() }
            return .redraw
        case 0x04:
            return typed.isEmpty ? .end : .none
        case 0x03:
            return .interrupt
        case 0x0C:
            return .redraw
        case 0x1B:
            escape = .started
            return .none
        case 0x09:
            typed.append(UInt8(ascii: " "))
            return .redraw
        case ..<0x20:
            return .none
        default:
            typed.append(byte)
            return .redraw
        }
    }

    /// Collects a multi-byte UTF-8 character; it joins the line once complete and valid.
    private mutating func appendContinuing(_ byte: UInt8) -> Action {
        if byte & 0xC0 != 0x80 { partial = [byte] } else if partial.isEmpty { return .none } else { partial.append(byte) }
        let expected = partial[0] >= 0xF0 ? 4 : partial[0] >= 0xE0 ? 3 : partial[0] >= 0xC0 ? 2 : 0
        guard expected > 0 else {
            partial.removeAll()
            return .none
        }
        guard partial.count == expected else { return .none }
        defer { partial.removeAll() }
        // Only well-formed characters, and never a C1 control character (U+0080-U+009F).
        guard let scalar = String(validating: partial, as: UTF8.self)?.unicodeScalars.first, !(0x80..<0xA0).contains(scalar.value) else {
            return .none
        }
        typed += partial
        return .redraw
    }

    /// The prompt and the typed line, drawn from the start of the current row.
    var rendered: String { "\r" + prompt + text }

    /// Moves the cursor from the end of the drawn line back to where the prompt starts and
    /// erases to the end of the screen (the line may wrap over several rows).
    func erasing(columns: Int) -> String {
        let width = prompt.unicodeScalars.count + text.unicodeScalars.count
        let rowsAbove = columns > 0 && width > 0 ? (width - 1) / columns : 0
        return "\r" + (rowsAbove > 0 ? "\u{1B}[\(rowsAbove)A" : "") + "\u{1B}[J"
    }
}
