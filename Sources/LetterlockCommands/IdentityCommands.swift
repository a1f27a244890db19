import ArgumentParser
import Foundation
import LetterlockKit

struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Create an account with this device as its first device.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "A username others can find you by (3-32 of a-z, 0-9, _).") var username: String?
    @Flag(help: "Protect the private keys with a passphrase (LETTERLOCK_PASSPHRASE or a prompt).") var protect = false

    func run() async throws {
        try await options.run {
            let passphrase =
                protect || ProcessInfo.processInfo.environment["LETTERLOCK_PASSPHRASE"] != nil ? try GlobalOptions.newPassphrase() : nil
            let client = try await LetterlockClient.register(
                home: options.homeURL, relayURL: options.relayOverride ?? GlobalOptions.defaultRelay, username: username, passphrase: passphrase)
            let me = try await client.whoami()
            if options.json {
                Output.print(Output.json(me))
            } else {
                Output.print("Registered account \(me.accountID)\(me.username.map { " as @\($0)" } ?? "")")
                Output.print("This device: \(me.deviceID)")
                Output.print(
                    "Keys: \(passphrase == nil ? "stored unencrypted (file mode 0600)" : "sealed under your passphrase (scrypt)") in \(options.homeURL.path)"
                )
            }
        }
    }
}

struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show this device's account, username and devices.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run {
            let me = try await options.openClient().whoami()
            if options.json { return Output.print(Output.json(me)) }
            Output.print("account:  \(me.accountID)")
            Output.print("username: \(me.username.map { "@\($0)" } ?? "(none)")")
            Output.print("device:   \(me.deviceID)")
            Output.print("relay:    \(me.relayURL)")
            Output.print("devices:  \(me.devices.count)")
        }
    }
}

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "List this account's devices; link or revoke one.",
        subcommands: [List.self, Link.self, Join.self, Revoke.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List this account's devices.")
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            try await options.run {
                let devices = try await options.openClient().devices()
                if options.json { return Output.print(Output.json(devices)) }
                for device in devices { Output.print("\(device.deviceID)\(device.isThisDevice ? "  (this device)" : "")") }
            }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link", abstract: "On an existing device: add the new device that shows CODE (from `devices join`).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The code `letterlock devices join` printed on the new device.") var code: String
        @Option(help: "Seconds to wait for the new device.") var timeout = 120
        @Option(help: "The confirmation code the new device shows (instead of being asked).") var confirm: String?

        func run() async throws {
            try await options.run {
                let expected = confirm?.filter(\.isNumber)
                _ = try LinkCode(parsing: code)  // a mistyped code fails before the wait
                if !options.json { Output.print("Waiting for the new device to answer (it shows a confirmation code)…") }
                let device = try await options.openClient().linkDevice(code: code, timeout: .seconds(timeout)) { digits in
                    if let expected { return expected == digits }
                    return Console.current.confirms(
                        "Confirmation code: \(digits.prefix(3)) \(digits.suffix(3)). Does the new device show the same code? Add it?")
                }
                if options.json { return Output.print(Output.json(["deviceID": device.deviceID])) }
                Output.print("Linked device \(device.deviceID). Your contacts will see a device change until they verify again.")
                Output.print("Run `letterlock inbox` here to add it to your conversations (any of your devices does it on its next fetch).")
            }
        }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "join", abstract: "On a new device: print a code to enter on an existing device, then wait to join its account.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Seconds to wait for the existing device.") var timeout = 300
        @Flag(help: "Protect this device's keys with a passphrase.") var protect = false

        func run() async throws {
            try await options.run {
                let passphrase = protect ? try GlobalOptions.newPassphrase() : nil
                let join = try await DeviceJoin.begin(home: options.homeURL, relayURL: options.relayOverride ?? GlobalOptions.defaultRelay)
                if options.json {
                    Output.print(Output.jsonLine(["code": join.code.description]))
                } else {
                    Output.print("On a device already in your account, run:\n  letterlock devices link \(join.code)")
                    Output.print("Waiting for it…")
                }
                let json = options.json
                let client = try await join.complete(passphrase: passphrase, timeout: .seconds(timeout)) { offer in
                    let digits = offer.confirmationCode
                    if json { Output.print(Output.jsonLine(["account": offer.accountID, "confirmationCode": digits])) }
                    // Nothing is sent back before a yes: an offer from someone else's device
                    // (or for someone else's account) is refused here.
                    return Console.current.confirms(
                        "Offer from account \(offer.accountID) (check it against `letterlock whoami` there), confirmation code \(digits.prefix(3)) \(digits.suffix(3)). Does the other device show the same code? Join?"
                    )
                }
                if options.json { return Output.print(Output.jsonLine(try await client.whoami())) }
                Output.print("Joined account \(client.identity.accountID) as device \(client.identity.deviceID).")
                Output.print("Your conversations come to this device once another of your devices runs `letterlock inbox` (or `chat`).")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Remove another device of this account.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The device id (see `letterlock devices`).") var deviceID: String

        func run() async throws {
            try await options.run {
                do {
                    try await options.openClient().revoke(deviceID)
                } catch let error as RelayClientError where error == .notFound {
                    throw CommandFailure(code: "not_found", message: "no such device in this account (see `letterlock devices`)", exit: 4)
                } catch let error as RelayClientError where error == .lastDevice {
                    throw CommandFailure(
                        code: "last_device", message: "this is the device you are on: revoke it from another device of the account", exit: 1)
                }
                if options.json { return Output.print(Output.json(["revoked": deviceID])) }
                Output.print("Revoked device \(deviceID).")
            }
        }
    }
}

struct UsernameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "username", abstract: "Claim or change this account's username.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "3-32 characters of a-z, 0-9 and _.") var name: String

    func run() async throws {
        try await options.run {
            try await options.openClient().setUsername(name)
            if options.json { return Output.print(Output.json(["username": name])) }
            Output.print("Your username is now @\(name).")
        }
    }
}

struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen", abstract: "Stay connected (WebSocket push) and print requests and contacts as they arrive. Ctrl-C stops.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run {
            let client = try options.openClient()
            try await client.sync()
            let json = options.json
            if !json { Output.print("Listening on \(client.relay.baseURL) (Ctrl-C to stop)…") }
            try await client.listen(
                onEvent: { event in
                    guard !json else { return }
                    switch event {
                    case .ready: Output.print("connected")
                    case .disconnected: Output.print("disconnected; reconnecting…")
                    case .refused(let code): Output.print("refused by the relay: \(code)")
                    case .connecting: break
                    }
                },
                onChange: { report in
                    if json { return Output.print(Output.jsonLine(report)) }
                    if report.newRequests > 0 { Output.print("new message request (see `letterlock requests`)") }
                    for account in report.contactsUpdated {
                        let name = (try? client.store.contact(account))??.username.map { "@\($0)" } ?? account
                        Output.print("contact \(name) added or updated")
                    }
                })
        }
    }
}
