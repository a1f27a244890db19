import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayAPI
import Testing

/// Signed requests: every way a signature can be wrong is refused with its own stable code.
@Suite struct AuthenticationTests {
    @Test func signedRequestsAreVerified() async throws {
        let harness = RelayHarness()
        try await harness.withClient { client in
            let alice = try await client.register()
            #expect(try await client.send(.get, "/v1/devices", as: alice).status == .ok)

            #expect(try await client.send(.get, "/v1/devices", as: nil).errorCode == "unauthenticated")
            var unknown = TestDevice()
            unknown.deviceID = String(repeating: "b", count: 32)
            #expect(try await client.send(.get, "/v1/devices", as: unknown).errorCode == "unknown_device")
            unknown.deviceID = "../../etc"
            #expect(try await client.send(.get, "/v1/devices", as: unknown).errorCode == "unknown_device")

            // Someone else's key for alice's device id.
            let impostor = TestDevice(accountID: alice.accountID, deviceID: alice.deviceID)
            #expect(try await client.send(.get, "/v1/devices", as: impostor).errorCode == "bad_signature")

            // Tampering with the body, the path or a header after signing.
            let ack = try JSONEncoder().encode(AckRequest(ids: [1]))
            let tamperedBody = try await client.send(.post, "/v1/mailbox/ack", body: ack, as: alice) { _, body in body.append(0x20) }
            #expect(tamperedBody.errorCode == "bad_signature")
            let tamperedNonce = try await client.send(.get, "/v1/devices", as: alice) { headers, _ in
                headers[HTTPField.Name(RequestSigning.nonceHeader)!] = RequestSigning.freshNonce()
            }
            #expect(tamperedNonce.errorCode == "bad_signature")
            let garbage = try await client.send(.get, "/v1/devices", as: alice) { headers, _ in
                headers[HTTPField.Name(RequestSigning.signatureHeader)!] = "not base64!"
            }
            #expect(garbage.errorCode == "bad_signature")
            let shortNonce = try await client.send(.get, "/v1/devices", as: alice, nonce: "abc")
            #expect(shortNonce.errorCode == "bad_signature")

            // Stale in either direction.
            let now = Int64(harness.clock.now().timeIntervalSince1970)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: now - 301).errorCode == "stale_request")
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: now + 301).errorCode == "stale_request")
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: now - 299).status == .ok)
        }
    }

    @Test func replayedRequestsAreRefused() async throws {
        let harness = RelayHarness()
        try await harness.withClient { client in
            let alice = try await client.register()
            let nonce = RequestSigning.freshNonce()
            let timestamp = Int64(harness.clock.now().timeIntervalSince1970)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce).status == .ok)
            let replay = try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce)
            #expect(replay.status == .unauthorized && replay.errorCode == "replayed_request")
            // Once the nonce ages out of the cache, the timestamp check still refuses the replay.
            harness.clock.advance(by: 601)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce).errorCode == "stale_request")
        }
    }

    @Test func aFullReplayCacheFailsClosed() async throws {
        var configuration = Relay.Configuration()
        configuration.replayCacheCapacity = 3
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            let alice = try await client.register()  // uses one slot
            #expect(try await client.send(.get, "/v1/devices", as: alice).status == .ok)
            #expect(try await client.send(.get, "/v1/devices", as: alice).status == .ok)
            let refused = try await client.send(.get, "/v1/devices", as: alice)
            #expect(refused.status == .serviceUnavailable && refused.errorCode == "busy")
            harness.clock.advance(by: 601)
            #expect(try await client.send(.get, "/v1/devices", as: alice).status == .ok, "slots free up as nonces age out")
        }
    }

    @Test func smallOrderKeysAreRefused() async throws {
        // Why: swift-crypto accepts (identity, 0) as a signature under the all-zero key for any message.
        let zero = try Curve25519.Signing.PublicKey(rawRepresentation: Data(count: 32))
        let identitySignature = Data([1] + [UInt8](repeating: 0, count: 63))
        let anyMessage = Data("any message at all".utf8)
        let forgeable = zero.isValidSignature(identitySignature, for: anyMessage) || zero.isValidSignature(Data(count: 64), for: anyMessage)
        #expect(forgeable, "if this fails, swift-crypto now rejects small-order keys itself")

        // Each listed order-8 point forges the (identity, 0) signature for about one message in 8.
        let order8: [[UInt8]] = [
            [
                0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
                0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
            ],
            [
                0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
                0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
            ],
        ]
        for point in order8 {
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: Data(point))
            let forged = (0..<400).filter { key.isValidSignature(identitySignature, for: Data("message \($0)".utf8)) }.count
            #expect((20...90).contains(forged), "a small-order key forges about 1/8 of messages, got \(forged)/400")
        }

        try await RelayHarness().withClient { client in
            let keys =
                [Data(count: 32), Data([1] + [UInt8](repeating: 0, count: 31))] + order8.map { Data($0) }
                + order8.map { Data($0.dropLast() + [$0[31] | 0x80]) }
            for key in keys {
                let body = try JSONEncoder().encode(RegisterRequest(publicKey: key))
                let response = try await client.send(.post, "/v1/accounts", body: body, as: TestDevice(), signingDevice: "-")
                #expect(response.errorCode == "invalid_public_key")
            }
        }
    }
}
