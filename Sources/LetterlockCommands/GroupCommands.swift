import ArgumentParser
import Foundation
import LetterlockKit

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Create and manage groups (the name travels encrypted, inside the group).",
        subcommands: [Create.self, Add.self, Remove.self, Leave.self, Rename.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a group with contacts.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The group's name.") var name: String
        @Argument(help: "Contacts to add (usernames).") var members: [String] = []

        func run() async throws {
            try await options.runConversation {
                let client = try options.openClient()
                _ = try await client.receive()
                let names = members.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
                try await client.checkGroupMembers(names)
                let group = try await client.createGroup(named: name, members: names)
                if options.json { return Output.print(Output.json(group)) }
                Output.print("Created \(MessageFormat.title(group, client: client)) with \(group.members.count) member account(s). id \(group.id)")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add contacts (all their devices) to a group.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The group (name or id).") var group: String
        @Argument(help: "Contacts to add.") var members: [String]

        func run() async throws {
            try await options.runConversation {
                let client = try options.openClient()
                _ = try await client.receive()
                let conversation = try await client.findConversation(group)
                let names = members.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
                try await client.checkGroupMembers(names)
                try await client.addMembers(names, to: conversation.id)
                let updated = try client.conversation(conversation.id)
                if options.json { return Output.print(Output.json(updated)) }
                Output.print("Added \(members.joined(separator: ", ")) to \(MessageFormat.title(updated, client: client)).")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove someone (all their devices) from a group.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The group (name or id).") var group: String
        @Argument(help: "Who to remove.") var member: String

        func run() async throws {
            try await options.runConversation {
                let client = try options.openClient()
                _ = try await client.receive()
                let conversation = try await client.findConversation(group)
                try await client.removeMember(member.hasPrefix("@") ? String(member.dropFirst()) : member, from: conversation.id)
                let updated = try client.conversation(conversation.id)
                if options.json { return Output.print(Output.json(updated)) }
                Output.print("Removed \(member) from \(MessageFormat.title(updated, client: client)).")
            }
        }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "leave", abstract: "Leave a group (all your devices).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The group (name or id).") var group: String

        func run() async throws {
            try await options.runConversation {
                let client = try options.openClient()
                _ = try await client.receive()
                let conversation = try await client.findConversation(group)
                try await client.leave(conversation.id)
                if options.json { return Output.print(Output.json(["left": conversation.id])) }
                Output.print("You left \(MessageFormat.title(conversation, client: client)).")
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a group (end-to-end encrypted).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The group (name or id).") var group: String
        @Argument(help: "The new name.") var name: String

        func run() async throws {
            try await options.runConversation {
                let client = try options.openClient()
                _ = try await client.receive()
                let conversation = try await client.findConversation(group)
                try await client.rename(conversation.id, to: name)
                let updated = try client.conversation(conversation.id)
                if options.json { return Output.print(Output.json(updated)) }
                Output.print("Renamed to \(MessageFormat.title(updated, client: client)).")
            }
        }
    }
}

extension LetterlockClient {
    /// Groups take accepted contacts only: a stranger gets no message request from a group.
    /// Adding them would hand them the group (its members, their delivery tokens, its history
    /// from then on) before they agreed to hear from anyone in it; a request is between two
    /// people. So the command names who is not a contact yet and what to do, instead of the
    /// library's nameless error.
    func checkGroupMembers(_ names: [String]) async throws {
        for name in names {
            let account = try await resolve(name)
            guard try !blockedAccounts().contains(account) else { throw LetterlockError.blocked }
            let contact = try contacts().first { $0.accountID == account }
            let shown = contact?.username.map { "@\($0)" } ?? name
            switch contact?.state {
            case .accepted?:
                continue
            case .outgoing?:
                throw CommandFailure(
                    code: ConversationError.contactNotAccepted.name,
                    message: "\(shown) has not accepted your message request yet: add them to the group once they have", exit: 4)
            case nil:
                throw CommandFailure(
                    code: ConversationError.notAContact.name,
                    message:
                        "\(shown) is not your contact: groups take contacts only. Send them a message request first "
                        + "(`letterlock contacts add \(name)`, or `letterlock send \(name) TEXT`), and add them once they accept", exit: 4)
            }
        }
    }
}
