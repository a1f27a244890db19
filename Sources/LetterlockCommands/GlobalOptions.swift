import ArgumentParser
import Foundation
import LetterlockKit

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Relay URL (env LETTERLOCK_RELAY; default: the relay recorded at registration, else http://127.0.0.1:8080).")
    var relay: String?

    @Option(help: "Home directory holding the device state (env LETTERLOCK_HOME, default ~/.letterlock).")
    var home: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    static let defaultRelay = "http://127.0.0.1:8080"

    var homeURL: URL {
        if let home { return URL(fileURLWithPath: (home as NSString).expandingTildeInPath, isDirectory: true) }
        if let env = ProcessInfo.processInfo.environment["LETTERLOCK_HOME"] {
            return URL(fileURLWithPath: (env as NSString).expandingTildeInPath, isDirectory: true)
        }
        return DeviceStore.defaultHome
    }

    /// The relay to use: the flag, the environment, then (for a registered device) nil, meaning
    /// the relay recorded at registration.
    var relayOverride: String? { relay ?? ProcessInfo.processInfo.environment["LETTERLOCK_RELAY"] }

    /// The passphrase: LETTERLOCK_PASSPHRASE, else a prompt without echo on a terminal.
    static func passphrase(prompt: String = "Passphrase: ") -> String? {
        if let env = ProcessInfo.processInfo.environment["LETTERLOCK_PASSPHRASE"] { return env }
        return Console.current.readSecret(prompt)
    }

    /// A passphrase for new keys (`register --protect`, `devices join --protect`): never empty,
    /// and typed twice when it comes from a prompt (review L4). LETTERLOCK_PASSPHRASE is taken
    /// as it is (scripts), but not when empty.
    static func newPassphrase() throws -> String {
        if let env = ProcessInfo.processInfo.environment["LETTERLOCK_PASSPHRASE"] {
            guard !env.isEmpty else { throw LetterlockError.passphraseRequired }
            return env
        }
        guard let first = Console.current.readSecret("New passphrase: "), !first.isEmpty else { throw LetterlockError.passphraseRequired }
        guard Console.current.readSecret("Repeat passphrase: ") == first else { throw LetterlockError.wrongPassphrase }
        return first
    }

    /// Opens the registered device, asking for the passphrase when its keys are protected.
    func openClient() throws -> LetterlockClient {
        guard LetterlockClient.isRegistered(home: homeURL) else { throw LetterlockError.notRegistered }
        let passphrase = try LetterlockClient.needsPassphrase(home: homeURL) ? Self.passphrase() : nil
        return try LetterlockClient.open(home: homeURL, relayURL: relayOverride, passphrase: passphrase)
    }

    /// The relay commands talk to, for messages: the flag or environment, else the one recorded
    /// at registration, else the default.
    var relayForMessages: String {
        relayOverride ?? LetterlockClient.recordedRelay(home: homeURL) ?? Self.defaultRelay
    }

    /// Runs a command body, turning failures into a clear message and a documented exit code.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CommandFailure {
            throw fail(code: error.code, message: error.message, exit: error.exit)
        } catch let error as LetterlockError {
            throw fail(code: error.name, message: message(for: error), exit: Self.exitCode(error))
        } catch let error as RelayClientError {
            throw fail(
                code: error.code ?? (error == .unreachable ? "unreachable" : "relay_error"), message: message(for: error),
                exit: Self.exitCode(error))
        }
    }

    /// The library's descriptions carry no name or id (they may be logged); here the person
    /// reading is the one who typed the command, so say what to do next.
    func message(for error: LetterlockError) -> String {
        switch error {
        case .unknownContact: "unknown contact: no contact, request or username matches that name (see `letterlock contacts`)"
        case .blocked: "this account is blocked (`letterlock unblock NAME` lifts your block)"
        default: error.description
        }
    }

    func message(for error: RelayClientError) -> String {
        switch error {
        case .unreachable:
            "the relay \(relayForMessages) is unreachable. Is it running? (`make run` starts one; choose another with --relay URL or LETTERLOCK_RELAY)"
        case .invalidURL: "the relay URL \(relayForMessages) is not a valid http(s) URL"
        case .unknownDevice:
            "the relay \(relayForMessages) does not know this device: it was revoked (`devices revoke` on another of your devices), or this is not its relay"
        case .rateLimited: "the relay is rate limiting this device or address: wait a minute and try again"
        case .usernameTaken: "that username is taken: choose another (or register without one and claim one later: `letterlock username NAME`)"
        default: error.description
        }
    }

    private func fail(code: String, message: String, exit: Int32) -> ExitCode {
        if json {
            Console.current.out(Output.json(["error": ["code": code, "message": message]]))
        } else {
            Console.current.err("letterlock: error: \(message)")
        }
        return ExitCode(exit)
    }

    /// Exit codes (documented in docs/client.md): 1 other, 3 relay unreachable, 4 unknown
    /// contact, not found or an ambiguous name, 5 blocked, 6 passphrase, 7 not registered, 8 rate limited.
    static func exitCode(_ error: LetterlockError) -> Int32 {
        switch error {
        case .unknownContact, .unknownRequest, .ambiguousName: 4
        case .blocked: 5
        case .wrongPassphrase, .passphraseRequired: 6
        case .notRegistered: 7
        default: 1
        }
    }

    static func exitCode(_ error: RelayClientError) -> Int32 {
        switch error {
        case .unreachable, .invalidURL: 3
        case .notFound, .unknownRecipient: 4
        case .unknownDevice: 7
        case .rateLimited: 8
        default: 1
        }
    }
}

/// A failure a command describes itself (its own code, message and exit code).
struct CommandFailure: Error {
    var code: String
    var message: String
    var exit: Int32
}

enum Output {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .iso8601
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    /// One compact JSON object on one line: what commands that keep printing (`chat`, `listen`,
    /// `devices join`) print for each event, so scripts read them line by line (JSON Lines).
    static func jsonLine(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .iso8601
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    static func print(_ text: String) { Console.current.out(text) }
}
