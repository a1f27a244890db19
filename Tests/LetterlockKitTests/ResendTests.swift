import Foundation
import LetterlockKit
import Testing

/// A message sent in an epoch that concurrent Commits keep replacing is re-sent in each new
/// epoch until it is readable, and past ``ConversationConfiguration/resendLimit`` it is reported
/// as undelivered: never lost silently.
@Suite struct ResendTests {
    /// Alice commits `commits` times in a row; Bob, who has seen none of them, sends a message in
    /// the old epoch (after every one of those Commits reached the relay). Each re-send while
    /// Bob catches up is made in an epoch that the next Commit already replaced.
    static func hitByCommits(_ commits: Int, relay url: String) async throws -> (alice: Person, bob: Person, group: String, report: LetterlockClient.ConversationReport) {
        let alice = try await Person.register("alice", relay: url)
        let bob = try await Person.register("bob", relay: url)
        try await alice.befriend(bob)
        let group = try await alice.client.createGroup(named: "busy", members: ["bob"])
        _ = try await bob.client.receive()
        for _ in 0..<commits { try await alice.client.selfUpdate(group.id) }
        try await bob.client.sendText("sent in the old epoch", to: group.id)
        let report = try await bob.client.receiveMessages()
        #expect(report.commits == commits)
        return (alice, bob, group.id, report)
    }

    @Test func aMessageHitByThreeCommitsInARowIsDelivered() async throws {
        try await LiveRelay.run { url, _ in
            let (alice, bob, group, report) = try await Self.hitByCommits(3, relay: url)
            #expect(report.undelivered.isEmpty)
            #expect(try await alice.client.receive().messages.map(\.text) == ["sent in the old epoch"])
            #expect(try alice.client.texts(group) == ["sent in the old epoch"])
            #expect(try bob.client.undeliveredMessages().isEmpty)
        }
    }

    @Test func pastTheLimitTheMessageIsReportedNotLost() async throws {
        var settings = ConversationConfiguration()
        settings.resendLimit = 1
        try await ConversationConfiguration.$current.withValue(settings) {
            try await LiveRelay.run { url, _ in
                let (alice, bob, group, report) = try await Self.hitByCommits(3, relay: url)
                // Re-sent once (epoch +1), then given up on: reported at once and kept listed.
                #expect(report.undelivered.map(\.text) == ["sent in the old epoch"])
                let listed = try bob.client.undeliveredMessages()
                #expect(listed.map(\.text) == ["sent in the old epoch"] && listed.first?.conversationID == group)
                #expect(try await alice.client.receive().messages.isEmpty)
                // Still listed after more traffic (never pruned silently), until dismissed.
                try await alice.client.sendText("anyone?", to: group)
                _ = try await bob.client.receive()
                #expect(try bob.client.undeliveredMessages().count == 1)
                try bob.client.dismissUndelivered(listed)
                #expect(try bob.client.undeliveredMessages().isEmpty)
            }
        }
    }
}
