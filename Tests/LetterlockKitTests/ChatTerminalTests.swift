import Synchronization
import Testing

@testable import LetterlockCommands

/// The line editor `chat` uses on a terminal, and the terminal drawing around it: a message that
/// arrives while someone types is printed above their line, which is drawn again intact.
@Suite struct ChatTerminalTests {
    private func feed(_ editor: inout LineEditor, _ text: String) -> [LineEditor.Action] {
        Array(text.utf8).map { editor.feed($0) }
    }

    @Test func typingEditingAndSubmitting() {
        var editor = LineEditor()
        _ = feed(&editor, "héllo wörld")
        #expect(editor.text == "héllo wörld")
        #expect(editor.feed(0x7F) == .redraw)  // Backspace removes the whole "d"
        _ = editor.feed(0x7F)
        _ = editor.feed(0x7F)
        #expect(editor.text == "héllo wö")
        #expect(editor.feed(0x7F) == .redraw)  // a two-byte character goes in one step
        #expect(editor.text == "héllo w")
        #expect(editor.feed(0x17) == .redraw)  // ^W: the last word
        #expect(editor.text == "héllo ")
        _ = feed(&editor, "there")
        #expect(editor.feed(0x0D) == .submit("héllo there"))
        #expect(editor.text.isEmpty)
        _ = feed(&editor, "gone")
        #expect(editor.feed(0x15) == .redraw)  // ^U: the whole line
        #expect(editor.text.isEmpty)
        #expect(editor.feed(0x7F) == .none)  // nothing to remove
        #expect(editor.feed(0x0A) == .submit(""))
    }

    @Test func escapeSequencesAndControlCharactersNeverReachTheLine() {
        var editor = LineEditor()
        _ = feed(&editor, "a\u{1B}[A\u{1B}[1;5Cb\u{1B}OPc")  // up arrow, ctrl-right, F1
        _ = editor.feed(0x07)  // BEL
        _ = feed(&editor, "\u{85}")  // C1 control (NEL), as UTF-8
        _ = editor.feed(0xC3)  // a character cut short by another one
        _ = feed(&editor, "d")
        _ = editor.feed(0xFF)  // never valid in UTF-8
        #expect(editor.text == "abcd")
    }

    @Test func controlDEndsOnlyAnEmptyLineAndControlCInterrupts() {
        var editor = LineEditor()
        _ = feed(&editor, "x")
        #expect(editor.feed(0x04) == .none)
        _ = editor.feed(0x7F)
        #expect(editor.feed(0x04) == .end)
        #expect(editor.feed(0x03) == .interrupt)
    }

    @Test func erasingCoversEveryRowOfAWrappedLine() {
        var editor = LineEditor(prompt: "> ")
        #expect(editor.erasing(columns: 10) == "\r\u{1B}[J")
        _ = feed(&editor, "12345678")  // 10 columns: still one row (the cursor waits at the edge)
        #expect(editor.erasing(columns: 10) == "\r\u{1B}[J")
        _ = feed(&editor, "9")  // 11: two rows
        #expect(editor.erasing(columns: 10) == "\r\u{1B}[1A\u{1B}[J")
        _ = feed(&editor, String(repeating: "x", count: 20))  // 31: four rows
        #expect(editor.erasing(columns: 10) == "\r\u{1B}[3A\u{1B}[J")
    }

    @Test func aMessageArrivingWhileTypingIsPrintedAboveTheTypedLine() {
        let written = Mutex<[String]>([])
        let input = Mutex(Array("see you".utf8)[...])
        let terminal = ChatTerminal(
            prompt: "> ", columns: { 80 }, write: { text in written.withLock { $0.append(text) } },
            readByte: { input.withLock { $0.popFirst() } })
        #expect(terminal.readLine() == nil)  // input ends mid-line: "see you" stays typed
        written.withLock { $0.removeAll() }
        terminal.print("17:05 @bob: are you coming?")
        // Erase the prompt line, print the message, draw the prompt and the typed text again.
        #expect(written.withLock { $0 } == ["\r\u{1B}[J17:05 @bob: are you coming?\n\r> see you"])

        input.withLock { $0 = Array(" soon\r".utf8)[...] }
        #expect(terminal.readLine() == "see you soon")
        #expect(written.withLock { $0.last } == "\r\u{1B}[J\r> ")  // submitted: an empty prompt again
    }
}
