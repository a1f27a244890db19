public import Foundation
public import Logging
public import RelayStorage
import RelayAPI

/// Everything `letterlock-relay` can be told at start: where it listens and stores, and every
/// ``Relay/Configuration`` limit. Each setting has a flag and an environment variable
/// (``RelayOptions/settings``); a flag wins over its variable, which wins over the default.
///
/// Parsing lives here, not in the executable, so that tests reach it and the documentation
/// table (``RelayOptions/markdownTable``) is generated from the same list.
public struct RelayOptions: Sendable {
    public var dataDirectory = "./letterlock-data"
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed once bound).
    public var port = 8080
    public var adminPort = 9090
    public var logLevel: Logger.Level = .info
    /// How often the expiry service sweeps.
    public var sweepInterval: Duration = .seconds(60)
    public var relay = Relay.Configuration()

    public init() {}

    /// Reads `arguments` (without the program name: `--name value` or `--name=value`) over
    /// `environment` over the defaults, then checks the values against each other.
    /// - Throws: ``RelayOptionsError`` naming the flag or variable and what it accepts.
    public static func parse(arguments: [String], environment: [String: String]) throws(RelayOptionsError) -> RelayOptions {
        var flags: [String: String] = [:]
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw RelayOptionsError("unexpected argument '\(argument)'; settings are --name value (see --help)")
            }
            var name = String(argument.dropFirst(2))
            let value: String
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else {
                index += 1
                guard index < arguments.endIndex else { throw RelayOptionsError("--\(name) needs a value") }
                value = arguments[index]
            }
            guard settings.contains(where: { $0.flag == name }) else { throw RelayOptionsError("unknown option --\(name) (see --help)") }
            guard flags[name] == nil else { throw RelayOptionsError("--\(name) is given twice") }
            flags[name] = value
            index += 1
        }
        var options = RelayOptions()
        for setting in settings {
            let source: String
            let value: String
            if let flag = flags[setting.flag] {
                (source, value) = ("--\(setting.flag)", flag)
            } else if let variable = environment[setting.environment] {
                (source, value) = (setting.environment, variable)
            } else {
                continue
            }
            do {
                try setting.apply(&options, value)
            } catch {
                let reason = (error as? RelaySetting.InvalidValue)?.reason ?? "not accepted"
                throw RelayOptionsError("\(source): '\(Self.printable(value))' is not valid: \(reason)")
            }
        }
        try options.checkConsistency()
        return options
    }

    /// Limits that only make sense together.
    func checkConsistency() throws(RelayOptionsError) {
        let c = relay
        if Int64(c.maximumPayloadSize) > c.maximumMailboxBytesPerAccount {
            throw RelayOptionsError("--max-payload-bytes exceeds --mailbox-bytes-per-account: no message could be delivered")
        }
        if c.maximumBlobSize > c.blobQuota {
            throw RelayOptionsError("--max-blob-bytes exceeds --blob-quota-bytes: no blob of that size could be stored")
        }
        if port != 0, port == adminPort {
            throw RelayOptionsError("--port and --admin-port are both \(port)")
        }
    }

    /// Settings that start a relay that will not work as the operator probably expects, one
    /// line each for standard error. They warn rather than refuse: each has a setup in which it
    /// is right (see the cases).
    public var warnings: [String] {
        var lines: [String] = []
        // Signatures name the relay's authority (v2); with none configured only a loopback `Host`
        // is accepted, so clients reaching this address by another name get `bad_signature` on
        // every signed request. Not refused: a wildcard bind is also how a relay in a container
        // is reached through a port published on the host's loopback, or by a proxy on the same
        // machine that passes a loopback `Host`; there the default is right, and sealed sends
        // and health checks work in any case.
        if relay.publicAuthorities.isEmpty, !RequestSigning.isLoopback(host: host) {
            lines.append(
                "warning: listening on \(Self.printable(host)), which is not a loopback address, without --public-authority "
                    + "(LETTERLOCK_PUBLIC_AUTHORITY): only requests whose Host is a loopback name will verify, so clients reaching "
                    + "this relay by another name get bad_signature on every signed request. Set it to the host[:port] clients "
                    + "use, e.g. --public-authority relay.example")
        }
        return lines
    }

    /// A value as it may appear in an error message: short, printable ASCII only (values are
    /// operator input, but a message must not carry control characters to a terminal).
    static func printable(_ value: String) -> String {
        let cleaned = String(value.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" })
        return value.unicodeScalars.count > 64 ? cleaned + "..." : cleaned
    }
}

/// A refused setting: the message names the flag or environment variable and what it accepts.
public struct RelayOptionsError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
