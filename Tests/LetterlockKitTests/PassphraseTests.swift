import Foundation
@testable import LetterlockCommands
@testable import LetterlockKit
import Synchronization
import Testing

/// Review L4: a new passphrase is never empty and is typed twice, for `devices join --protect` as
/// for `register --protect`; passphrases are keyed in Unicode NFC.
@Suite struct PassphraseTests {
    /// Runs a command with a prompt that "types" `typed`, one answer per prompt.
    static func run(_ arguments: [String], typing typed: [String?]) async -> (code: Int32, prompts: [String]) {
        let answers = Mutex(typed)
        let prompts = Mutex<[String]>([])
        let console = Console(
            out: { _ in }, err: { _ in },
            readSecret: { prompt in
                prompts.withLock { $0.append(prompt) }
                return answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            })
        let code = await Console.$current.withValue(console) { await LetterlockCommand.run(arguments: arguments) }
        return (code, prompts.withLock { $0 })
    }

    @Test(arguments: [["register", "--protect"], ["devices", "join", "--protect"]])
    func aNewPassphraseIsNonEmptyAndConfirmed(_ command: [String]) async throws {
        guard ProcessInfo.processInfo.environment["LETTERLOCK_PASSPHRASE"] == nil else { return }
        let home = LiveRelay.temporaryDirectory("passphrase")
        defer { try? FileManager.default.removeItem(at: home) }
        // Port 1: nothing listens; the passphrase is settled before the relay is contacted.
        let arguments = command + ["--relay", "http://127.0.0.1:1", "--home", home.path]
        let empty = await Self.run(arguments, typing: [""])
        #expect(empty.code == 6 && empty.prompts == ["New passphrase: "])
        let mismatch = await Self.run(arguments, typing: ["correct horse", "correct hose"])
        #expect(mismatch.code == 6 && mismatch.prompts == ["New passphrase: ", "Repeat passphrase: "])
        // Typed the same twice: accepted, and the command goes on to the (unreachable) relay.
        let confirmed = await Self.run(arguments, typing: ["correct horse", "correct horse"])
        #expect(confirmed.code == 3 && confirmed.prompts.count == 2)
    }

    @Test func theSamePassphraseInNFDAndNFCOpensTheKeys() throws {
        let decomposed = "caf\u{0065}\u{0301} cr\u{0065}\u{0300}me"  // "café crème" as typed on an NFD terminal
        let composed = "caf\u{00E9} cr\u{00E8}me"
        #expect(Array(decomposed.unicodeScalars) != Array(composed.unicodeScalars))
        let protection = KeyProtection.fresh(logN: 10)
        let secret = Data("the device keys".utf8)
        let sealed = try protection.seal(secret, passphrase: decomposed)
        #expect(try protection.open(sealed, passphrase: composed) == secret)
        #expect(try protection.open(sealed, passphrase: decomposed) == secret)
        #expect(throws: LetterlockError.wrongPassphrase) { try protection.open(sealed, passphrase: "cafe creme") }
    }
}
