import ArgumentParser
import Foundation
import LetterlockKit

struct ContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts", abstract: "List contacts; add one by username or invite link; print your invite link.",
        subcommands: [List.self, Add.self, Invite.self], defaultSubcommand: List.self)

    /// One contact as `contacts --json` prints it.
    struct Row: Encodable {
        var accountID: String
        var username: String?
        var state: String
        var devices: Int
        var devicesChanged: Bool
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List contacts, with device-change warnings.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.run {
                let client = try options.openClient()
                try await client.sync()
                let changed = Set(try await client.deviceChanges().map(\.accountID))
                let rows = try client.contacts().map {
                    Row(
                        accountID: $0.accountID, username: $0.username, state: $0.state.rawValue, devices: $0.devices.count,
                        devicesChanged: changed.contains($0.accountID))
                }
                if options.json { return Output.print(Output.json(rows)) }
                if rows.isEmpty { Output.print("No contacts yet. Add one with `letterlock contacts add USERNAME` or an invite link.") }
                for row in rows {
                    let name = row.username.map { "@\($0)" } ?? row.accountID
                    let state = row.state == "outgoing" ? "  (request sent, waiting)" : ""
                    Output.print("\(name)  \(row.devices) device\(row.devices == 1 ? "" : "s")\(state)")
                    if row.devicesChanged {
                        Output.print(
                            "  WARNING: \(name)'s devices changed. Compare safety numbers: letterlock verify \(row.username ?? row.accountID)")
                    }
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a contact: a username (sends a message request) or an invite link (sealed at once).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "A username or a letterlock://invite/… link.") var target: String

        func run() async throws {
            try await options.run {
                let client = try options.openClient()
                let contact: Contact
                if target.hasPrefix("letterlock://") {
                    contact = try await client.addContact(invite: try InviteLink(parsing: target))
                } else {
                    contact = try await client.addContact(username: target.hasPrefix("@") ? String(target.dropFirst()) : target)
                }
                if options.json {
                    return Output.print(
                        Output.json(
                            Row(
                                accountID: contact.accountID, username: contact.username, state: contact.state.rawValue,
                                devices: contact.devices.count, devicesChanged: false)))
                }
                switch contact.state {
                case .outgoing:
                    Output.print("Message request sent to @\(contact.username ?? contact.accountID). They appear as a contact once they accept.")
                case .accepted:
                    if let username = contact.username {
                        Output.print("Added @\(username) from the invite link.")
                    } else {
                        Output.print("Added account \(contact.accountID) from the invite link; their username shows once they answer (letterlock contacts).")
                    }
                }
            }
        }
    }

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "invite", abstract: "Print your invite link (share it privately). --rotate revokes every earlier link.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Rotate the delivery token first: old links stop working; contacts get the new token.") var rotate = false

        func run() async throws {
            try await options.run {
                let client = try options.openClient()
                if rotate { try await client.rotateDeliveryToken() }
                let link = try client.inviteLink()
                if options.json { return Output.print(Output.json(["invite": link.description])) }
                Output.print(link.description)
            }
        }
    }
}

struct RequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests", abstract: "List message requests; accept, ignore or block one.",
        subcommands: [List.self, Accept.self, Ignore.self, Block.self], defaultSubcommand: List.self)

    struct Row: Encodable {
        var entryID: Int64
        var accountID: String
        var username: String?
        var devices: Int
        var receivedAt: Date
        /// The first message(s) they wrote with the request, read on this device.
        var messages: [String]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List pending message requests.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await options.run {
                let requests = try await options.openClient().requests()
                let rows = requests.map {
                    Row(
                        entryID: $0.entryID, accountID: $0.senderAccount, username: $0.senderUsername, devices: $0.card.devices.count,
                        receivedAt: $0.receivedAt, messages: $0.firstMessages)
                }
                if options.json { return Output.print(Output.json(rows)) }
                if rows.isEmpty { Output.print("No message requests.") }
                for row in rows {
                    Output.print("\(row.username.map { "@\($0)" } ?? "(no username)")  account \(row.accountID)  request #\(row.entryID)")
                    // A stranger's text: never let it drive the terminal.
                    for message in row.messages { Output.print("  \"\(MessageFormat.terminalSafe(message))\"") }
                }
                if rows.contains(where: { !$0.messages.isEmpty }) {
                    Output.print("Accept to start the conversation (letterlock requests accept NAME); block to never hear from them.")
                }
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "accept", abstract: "Accept a request: share your delivery token with them.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Username, account id or request number.") var name: String
        func run() async throws {
            try await options.run {
                let client = try options.openClient()
                try await client.sync()
                let contact = try await client.accept(name)
                if options.json { return Output.print(Output.json(["accepted": contact.accountID])) }
                Output.print("Accepted \(contact.username.map { "@\($0)" } ?? contact.accountID).")
                if let chat = try client.directConversation(with: contact.accountID) {
                    for entry in try client.messages(in: chat.id) {
                        Output.print(MessageFormat.line(entry, client: client, showConversation: false))
                    }
                    Output.print("Reply: letterlock chat \(contact.username ?? contact.accountID)")
                }
            }
        }
    }

    struct Ignore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ignore", abstract: "Drop a request; the sender is not told.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Username, account id or request number.") var name: String
        func run() async throws {
            try await RequestsCommand.answer(name, options: options, json: "ignored", saying: "Ignored the request from \(name).") { try await $0.ignore($1) }
        }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "block", abstract: "Block a request's sender: no more requests from them.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Username, account id or request number.") var name: String
        func run() async throws {
            try await RequestsCommand.answer(name, options: options, json: "blocked", saying: "Blocked \(name). Their requests are dropped by the relay from now on.") {
                try await $0.blockRequest($1)
            }
        }
    }

    /// `ignore` and `block`: fetch first (the request named may have just arrived), answer,
    /// then report `{json: name}` or `saying`.
    private static func answer(
        _ name: String, options: GlobalOptions, json key: String, saying message: String,
        _ answer: (LetterlockClient, String) async throws -> Void
    ) async throws {
        try await options.run {
            let client = try options.openClient()
            try await client.sync()
            try await answer(client, name)
            if options.json { return Output.print(Output.json([key: name])) }
            Output.print(message)
        }
    }
}

struct BlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "block", abstract: "Block an account (username or account id).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Username or account id.") var name: String
    func run() async throws {
        try await options.run {
            let account = try await options.openClient().block(name)
            if options.json { return Output.print(Output.json(["blocked": account])) }
            Output.print("Blocked \(name) (account \(account)).")
        }
    }
}

struct UnblockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unblock", abstract: "Lift a block.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Username or account id.") var name: String
    func run() async throws {
        try await options.run {
            let account = try await options.openClient().unblock(name)
            if options.json { return Output.print(Output.json(["unblocked": account])) }
            Output.print("Unblocked \(name) (account \(account)).")
            // A block ended the contact; an unblock does not bring it back by itself.
            Output.print("To talk again, send a message request: letterlock contacts add \(name)")
        }
    }
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Show a contact's safety number and warn if their devices changed.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Username or account id of a contact.") var name: String
    @Option(
        help: ArgumentHelp(
            "After comparing numbers: the safety number you compared (as printed); accepts their current devices as known only if it still matches.",
            valueName: "number")) var confirm: String?

    func run() async throws {
        try await options.run {
            let client = try options.openClient()
            try await client.sync()
            var verification = try await client.verify(name)
            if let confirm, verification.devicesChanged {
                try await client.confirmDevices(of: name, expecting: confirm)
                verification = try await client.verify(name)
            }
            if options.json { return Output.print(Output.json(verification)) }
            let display = verification.username.map { "@\($0)" } ?? verification.accountID
            if verification.devicesChanged {
                Output.print("WARNING: \(display)'s devices changed since you last verified them.")
                for id in verification.addedDevices { Output.print("  new or changed device: \(id)") }
                for id in verification.removedDevices { Output.print("  removed device: \(id)") }
                Output.print("Compare the number below with theirs in person, then run `letterlock verify \(name) --confirm '<the number>'`.")
            }
            if !verification.unknownOwnDevices.isEmpty {
                // Not in the number: the relay lists devices of your account this device never saw linked.
                Output.print("WARNING: the relay lists devices of your own account that this device does not know:")
                for id in verification.unknownOwnDevices { Output.print("  unknown own device: \(id)") }
                Output.print("If you did not link them on another device, revoke them: letterlock devices revoke ID")
            }
            Output.print("Safety number with \(display):")
            let groups = verification.safetyNumber.split(separator: " ")
            for line in stride(from: 0, to: groups.count, by: 4) {
                Output.print("  " + groups[line..<min(line + 4, groups.count)].joined(separator: " "))
            }
        }
    }
}
