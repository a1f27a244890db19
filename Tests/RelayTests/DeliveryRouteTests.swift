import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayAPI
import RelayStorage
import Testing

@Suite struct DeliveryRouteTests {
    @Test func sealedSendFetchAndAcknowledge() async throws {
        try await RelayHarness().withClient { client in
            let alice = try await client.register()
            let bob = try await client.register()
            let bobToken = try await client.rotateToken(bob)
            let aliceToken = try await client.rotateToken(alice)
            let message = MLSMessageBuilder.privateMessage(group: "g", epoch: 1, contentType: 1)
            let sent = try await client.sealed(message, to: [(alice, aliceToken), (bob, bobToken)])
            #expect(sent.status == .created)
            #expect(try sent.decode(SendResponse.self) == SendResponse(delivered: 2, duplicate: false))

            let entries = try await client.mailbox(bob)
            #expect(entries.map(\.payload) == [message])
            #expect(entries[0].sender == nil, "sealed: the relay does not know the sender")
            #expect(try await client.mailbox(bob, queue: "requests") == [])
            let ack = try await client.send(.post, "/v1/mailbox/ack", json: AckRequest(ids: entries.map(\.id)), as: bob)
            #expect(try ack.decode(AckResponse.self).acknowledged == 1)
            #expect(try await client.mailbox(bob) == [])
            #expect(try await client.mailbox(alice).count == 1, "each recipient has its own copy")
        }
    }

    @Test func badRevokedOrMissingTokensStoreNothing() async throws {
        let harness = RelayHarness()
        try await harness.withClient { client in
            let alice = try await client.register()
            let bob = try await client.register()
            let carol = try await client.register()
            let old = try await client.rotateToken(bob)
            let current = try await client.rotateToken(bob)
            let aliceToken = try await client.rotateToken(alice)
            let payload = MLSMessageBuilder.welcome()
            let revoked = try await client.sealed(payload, to: [(alice, aliceToken), (bob, old)])
            #expect(revoked.status == .notFound && revoked.errorCode == "unknown_recipient", "rotation revokes the old token")
            #expect(try await client.sealed(payload, to: [(bob, Data(count: 32))]).errorCode == "unknown_recipient")
            #expect(try await client.sealed(payload, to: [(bob, aliceToken)]).errorCode == "unknown_recipient", "tokens are per account")
            #expect(try await client.sealed(payload, to: [(carol, Data(count: 32))]).errorCode == "unknown_recipient", "carol has no token")
            var ghost = TestDevice()
            ghost.deviceID = String(repeating: "d", count: 32)
            let unknownBody = try await client.sealed(payload, to: [(ghost, current)])
            #expect(unknownBody.errorCode == "unknown_recipient")
            #expect(try await client.mailbox(alice) == [], "a send with one refused recipient stores nothing")
            #expect(try await client.sealed(payload, to: [(bob, current)]).status == .created)
            #expect(try await client.sealed(payload, to: [(bob, current), (bob, current)]).errorCode == "malformed_request")
            #expect(try await client.sealed(payload, to: []).errorCode == "malformed_request")
        }
    }

    @Test func payloadsMustBeBoundedMLSMessages() async throws {
        var configuration = Relay.Configuration()
        configuration.maximumPayloadSize = 256
        configuration.maximumSendBodySize = 2048
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            let token = try await client.rotateToken(bob)
            #expect(try await client.sealed(Data([0, 1, 0]), to: [(bob, token)]).errorCode == "malformed_mls_message")
            #expect(try await client.sealed(Data("hello".utf8), to: [(bob, token)]).errorCode == "unsupported_mls_version")
            #expect(try await client.sealed(Data([0, 2, 0, 1]), to: [(bob, token)]).errorCode == "unsupported_mls_version")
            #expect(try await client.sealed(Data([0, 1, 0, 2, 0xff]), to: [(bob, token)]).errorCode == "malformed_mls_message")
            let big = MLSMessageBuilder.privateMessage(group: "g", epoch: 0, contentType: 1, body: String(repeating: "x", count: 300))
            let tooBig = try await client.sealed(big, to: [(bob, token)])
            #expect(tooBig.status == .contentTooLarge && tooBig.errorCode == "payload_too_large")
            let huge = MLSMessageBuilder.privateMessage(group: "g", epoch: 0, contentType: 1, body: String(repeating: "x", count: 3000))
            #expect(try await client.sealed(huge, to: [(bob, token)]).errorCode == "body_too_large")
            let malformed = try await client.send(.post, "/v1/messages/sealed", body: Data("[]".utf8), as: nil)
            #expect(malformed.errorCode == "malformed_request")
            #expect(try await client.mailbox(bob) == [])
        }
    }

    @Test(arguments: ["private", "public"]) func oneCommitPerGroupEpoch(_ framing: String) async throws {
        try await RelayHarness().withClient { client in
            let bob = try await client.register()
            let token = try await client.rotateToken(bob)
            func message(_ epoch: UInt64, _ type: UInt8, _ body: String) -> Data {
                framing == "private"
                    ? MLSMessageBuilder.privateMessage(group: "group-1", epoch: epoch, contentType: type, body: body)
                    : MLSMessageBuilder.publicMessage(group: "group-1", epoch: epoch, contentType: type, body: body)
            }
            let winner = message(4, 3, "commit from alice")
            #expect(try await client.sealed(winner, to: [(bob, token)]).status == .created)
            let loser = try await client.sealed(message(4, 3, "commit from carol"), to: [(bob, token)])
            #expect(loser.status == .conflict && loser.errorCode == "commit_conflict")
            let retry = try await client.sealed(winner, to: [(bob, token)])
            #expect(retry.status == .ok)
            #expect(try retry.decode(SendResponse.self).duplicate, "a retried commit is not stored twice")
            // Application messages and proposals pass through, whatever the epoch.
            #expect(try await client.sealed(message(4, 1, "app"), to: [(bob, token)]).status == .created)
            #expect(try await client.sealed(message(4, 2, "proposal"), to: [(bob, token)]).status == .created)
            #expect(try await client.sealed(message(5, 3, "next epoch"), to: [(bob, token)]).status == .created)
            let payloads = try await client.mailbox(bob).map(\.payload)
            #expect(payloads == [winner, message(4, 1, "app"), message(4, 2, "proposal"), message(5, 3, "next epoch")])
        }
    }

    /// Review M4: one sender holding a token cannot fill the disk through one mailbox; a full
    /// request queue answers like a delivery (no oracle).
    @Test func fullMailboxesRefuseSealedSendsAndHideFromRequests() async throws {
        var configuration = Relay.Configuration()
        configuration.maximumMailboxEntries = 2
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            let token = try await client.rotateToken(bob)
            for i in 0..<2 { #expect(try await client.sealed(MLSMessageBuilder.welcome("m\(i)"), to: [(bob, token)]).status == .created) }
            let full = try await client.sealed(MLSMessageBuilder.welcome("m2"), to: [(bob, token)])
            #expect(full.status.code == 507 && full.errorCode == "mailbox_full")
            let stranger = try await client.register()
            var answers: [TestResponse] = []
            for i in 0..<3 {
                answers.append(
                    try await client.send(
                        .post, "/v1/messages/requests", json: RequestSendRequest(recipients: [bob.deviceID], payload: MLSMessageBuilder.welcome("r\(i)")),
                        as: stranger
                    )
                )
            }
            #expect(answers.allSatisfy { $0.status == .created && $0.body == answers[0].body })
            #expect(try await client.mailbox(bob, queue: "requests").count == 2)
            #expect(try await client.mailbox(bob).count == 2)
        }
    }

    /// Review H2: anyone can mint a token and send a "commit" to its own device with any group
    /// id in the clear header. Such claims bind only the devices they were delivered to, so they
    /// cannot freeze the group: its members' commits for the same epochs still go through.
    @Test func anOutsiderCannotFreezeAGroupByClaimingItsEpochs() async throws {
        try await RelayHarness().withClient { client in
            let alice = try await client.register()
            let aliceToken = try await client.rotateToken(alice)
            let bob = try await client.register()
            let bobToken = try await client.rotateToken(bob)
            let mallory = try await client.register()
            let malloryToken = try await client.rotateToken(mallory)
            func commit(_ epoch: UInt64, _ body: String) -> Data {
                MLSMessageBuilder.privateMessage(group: "victim-group", epoch: epoch, contentType: 3, body: body)
            }
            let members = [(alice, aliceToken), (bob, bobToken)]
            #expect(try await client.sealed(commit(7, "real commit"), to: members).status == .created)
            for epoch: UInt64 in [8, 9, 10] {
                #expect(try await client.sealed(commit(epoch, "garbage"), to: [(mallory, malloryToken)]).status == .created)
            }
            #expect(try await client.sealed(commit(8, "next real commit"), to: members).status == .created)
            #expect(try await client.sealed(commit(9, "and the one after"), to: members).status == .created)
            // Members' own claims still order their commits: a racing commit loses, and nobody
            // can claim epochs beyond the next one for them.
            let racing = try await client.sealed(commit(9, "racing commit"), to: members)
            #expect(racing.status == .conflict && racing.errorCode == "commit_conflict")
            let ahead = try await client.sealed(commit(11, "ahead"), to: members)
            #expect(ahead.status == .conflict && ahead.errorCode == "commit_epoch_ahead")
            #expect(try await client.mailbox(bob).count == 3, "refused commits store nothing")
        }
    }

    /// Review M5: the same commit sent again to other recipients (fan-out split over several
    /// sends, or a retry with another recipient list) is delivered to those it has not reached.
    @Test func aCommitSentAgainReachesTheRecipientsItHasNotReached() async throws {
        try await RelayHarness().withClient { client in
            let bob = try await client.register()
            let bobToken = try await client.rotateToken(bob)
            let carol = try await client.register()
            let carolToken = try await client.rotateToken(carol)
            let commit = MLSMessageBuilder.privateMessage(group: "big-group", epoch: 3, contentType: 3)
            #expect(try await client.sealed(commit, to: [(bob, bobToken)]).status == .created)
            let second = try await client.sealed(commit, to: [(bob, bobToken), (carol, carolToken)])
            #expect(second.status == .created)
            #expect(try second.decode(SendResponse.self) == SendResponse(delivered: 1, duplicate: false))
            #expect(try await client.mailbox(carol).map(\.payload) == [commit])
            #expect(try await client.mailbox(bob).count == 1, "bob gets it once")
            let third = try await client.sealed(commit, to: [(carol, carolToken), (bob, bobToken)])
            #expect(third.status == .ok)
            #expect(try third.decode(SendResponse.self) == SendResponse(delivered: 0, duplicate: true))
        }
    }

    @Test func mailboxPagingAndBadParameters() async throws {
        try await RelayHarness().withClient { client in
            let bob = try await client.register()
            let token = try await client.rotateToken(bob)
            for i in 0..<5 { _ = try await client.sealed(MLSMessageBuilder.welcome("w\(i)"), to: [(bob, token)]) }
            let first = try await client.send(.get, "/v1/mailbox?limit=2", as: bob).decode(MailboxPageResponse.self).entries
            #expect(first.count == 2)
            let rest = try await client.send(.get, "/v1/mailbox?after=\(first[1].id)", as: bob).decode(MailboxPageResponse.self).entries
            #expect(rest.map(\.payload) == (2..<5).map { MLSMessageBuilder.welcome("w\($0)") })
            for query in ["queue=spam", "limit=0", "limit=101", "after=-1", "after=x"] {
                #expect(try await client.send(.get, "/v1/mailbox?\(query)", as: bob).errorCode == "malformed_request", "\(query)")
            }
            let tooMany = try await client.send(.post, "/v1/mailbox/ack", json: AckRequest(ids: Array(0..<1001)), as: bob)
            #expect(tooMany.errorCode == "malformed_request")
        }
    }

    @Test func expiredEntriesAreSweptAfterTheRetention() async throws {
        var configuration = Relay.Configuration()
        configuration.messageRetention = 30 * 86_400
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            let bob = try await client.register()
            let token = try await client.rotateToken(bob)
            _ = try await client.sealed(MLSMessageBuilder.welcome("old"), to: [(bob, token)])
            harness.clock.advance(by: 29 * 86_400)
            _ = try await client.sealed(MLSMessageBuilder.welcome("new"), to: [(bob, token)])
            let service = harness.relay.makeExpiryService()
            #expect(try await service.sweep() == 0)
            harness.clock.advance(by: 86_400)
            #expect(try await service.sweep() == 1)
            #expect(try await client.mailbox(bob).map(\.payload) == [MLSMessageBuilder.welcome("new")])
        }
    }
}
