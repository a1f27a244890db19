import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayAPI
import RelayStorage
import Testing

/// First-contact requests: identified, rate-limited, in their own queue, and blockable without
/// a block oracle.
@Suite struct RequestRouteTests {
    func request(_ client: RelayTestClient, from sender: TestDevice, to recipients: [TestDevice], _ text: String = "hello") async throws
        -> TestResponse
    {
        try await client.send(
            .post, "/v1/messages/requests",
            json: RequestSendRequest(recipients: recipients.map(\.deviceID), payload: MLSMessageBuilder.welcome(text)),
            as: sender
        )
    }

    @Test func requestsArriveInTheRequestQueueWithTheirSender() async throws {
        try await RelayHarness().withClient { client in
            let stranger = try await client.register()
            let bob = try await client.register()
            #expect(try await request(client, from: stranger, to: [bob]).status == .created)
            let queued = try await client.mailbox(bob, queue: "requests")
            #expect(queued.map(\.sender) == [stranger.accountID])
            #expect(try await client.mailbox(bob) == [], "not in the inbox")
            #expect(try await client.send(.post, "/v1/requests/\(queued[0].id)/accept", as: bob).status == .noContent)
            #expect(try await client.mailbox(bob, queue: "requests") == [])

            _ = try await request(client, from: stranger, to: [bob], "again")
            let again = try await client.mailbox(bob, queue: "requests")
            #expect(try await client.send(.post, "/v1/requests/\(again[0].id)/ignore", as: bob).status == .noContent)
            #expect(try await client.send(.post, "/v1/requests/\(again[0].id)/ignore", as: bob).status == .notFound)
            #expect(try await client.send(.post, "/v1/requests/\(again[0].id)/frobnicate", as: bob).status == .notFound)
            #expect(try await request(client, from: stranger, to: []).errorCode == "malformed_request")
            #expect(try await request(client, from: stranger, to: [stranger]).errorCode == "unknown_recipient", "not to oneself")
        }
    }

    /// The block oracle (review H3): device lists are public, so a sender always knows the
    /// recipient exists; a blocked request must therefore look exactly like a delivered one.
    @Test func blockedSendersGetTheAnswerOfADeliveredRequest() async throws {
        try await RelayHarness().withClient { client in
            let mallory = try await client.register()
            let bob = try await client.register()
            let carol = try await client.register()
            _ = try await request(client, from: mallory, to: [bob], "first")
            _ = try await request(client, from: mallory, to: [bob], "second")
            let queued = try await client.mailbox(bob, queue: "requests")
            #expect(try await client.send(.post, "/v1/requests/\(queued[0].id)/block", as: bob).status == .noContent)
            #expect(try await client.mailbox(bob, queue: "requests") == [], "all of the blocked sender's requests are dropped")

            let blocked = try await request(client, from: mallory, to: [bob])
            let delivered = try await request(client, from: mallory, to: [carol])
            #expect(delivered.status == .created)
            #expect(blocked.status == delivered.status)
            #expect(blocked.body == delivered.body, "identical answers: no block oracle")
            #expect(try await client.mailbox(bob, queue: "requests") == [], "silently dropped")
            #expect(try await client.mailbox(carol, queue: "requests").count == 1)

            // Bad payloads are refused the same way whether or not the recipient blocked the sender.
            func send(_ payload: Data, to recipient: TestDevice) async throws -> TestResponse {
                try await client.send(.post, "/v1/messages/requests", json: RequestSendRequest(recipients: [recipient.deviceID], payload: payload), as: mallory)
            }
            for payload in [Data([0, 9]), MLSMessageBuilder.privateMessage(group: "g", epoch: 1, contentType: 3)] {
                let toBob = try await send(payload, to: bob)
                let toCarol = try await send(payload, to: carol)
                #expect(toBob.status == toCarol.status && toBob.body == toCarol.body && toBob.status != .created)
            }

            // An unknown device is a different case: device lists are public, so it says so.
            var ghost = TestDevice()
            ghost.deviceID = String(repeating: "e", count: 32)
            #expect(try await request(client, from: mallory, to: [ghost]).errorCode == "unknown_recipient")
            #expect(try await client.send(.get, "/v1/blocks", as: bob).decode(BlockListResponse.self).accounts == [mallory.accountID])
        }
    }

    @Test func requestsAreRateLimitedPerSenderBeforeAnyRecipientCheck() async throws {
        var configuration = Relay.Configuration()
        configuration.requestLimits = [.perHour(2), .perDay(3)]
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            let sender = try await client.register()
            let bob = try await client.register()
            var ghost = TestDevice()
            ghost.deviceID = String(repeating: "f", count: 32)
            #expect(try await request(client, from: sender, to: [ghost]).errorCode == "unknown_recipient")
            #expect(try await request(client, from: sender, to: [bob]).status == .created)
            let limited = try await request(client, from: sender, to: [bob])
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
            harness.clock.advance(by: 3600)
            #expect(try await request(client, from: sender, to: [bob]).status == .created)
            harness.clock.advance(by: 3600)
            #expect(try await request(client, from: sender, to: [bob]).errorCode == "rate_limited", "daily limit")
            let other = try await client.register()
            #expect(try await request(client, from: other, to: [bob]).status == .created, "limits are per sender")
        }
    }

    @Test func requestsGoToTheDevicesOfOneAccount() async throws {
        try await RelayHarness().withClient { client in
            let sender = try await client.register()
            let bob = try await client.register()
            let carol = try await client.register()
            #expect(try await request(client, from: sender, to: [bob, carol]).errorCode == "unknown_recipient")
            #expect(try await request(client, from: nil ?? sender, to: [bob, bob]).errorCode == "malformed_request")
        }
    }
}
