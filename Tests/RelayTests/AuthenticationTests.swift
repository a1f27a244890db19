import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayAPI
import RelayStorage
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
            // Once the nonce's record expires, the timestamp check still refuses the replay.
            harness.clock.advance(by: 601)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce).errorCode == "stale_request")
        }
    }

    /// The store is the only replay record (session 5). The in-memory cache that stood in front
    /// of it answered `busy` to a device past 4,096 nonces in ten minutes, and did so only after
    /// the store had recorded the nonce and charged the rate limit, so the refused request could
    /// not even be retried. Now a device is bounded by its rate limit alone (which also bounds
    /// the nonces it records), and each nonce is still accepted once.
    @Test func aDeviceIsLimitedByItsRateLimitAloneAndEachNonceOnce() async throws {
        var configuration = Relay.Configuration()
        configuration.deviceRequestLimits = [RateLimitWindow(seconds: 600, limit: 4_100)]
        configuration.addressRequestLimit = nil  // every request here comes from one address
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            let alice = try await client.register()
            let bob = try await client.register()
            let timestamp = Int64(harness.clock.now().timeIntervalSince1970)
            let first = RequestSigning.freshNonce()
            var codes: [String: Int] = [:]
            for index in 0..<4_100 {
                let response = try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: index == 0 ? first : RequestSigning.freshNonce())
                codes[response.errorCode ?? "ok", default: 0] += 1
            }
            #expect(codes == ["ok": 4_100])
            #expect(try await client.send(.get, "/v1/devices", as: alice).errorCode == "rate_limited")
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: first).errorCode == "replayed_request")
            #expect(try await client.send(.get, "/v1/devices", as: bob).status == .ok, "another device is not affected")
        }
    }

    /// Registration is unauthenticated (the caller picks the key) and records no nonce, so a
    /// flood of it cannot lock out the devices whose signed requests need the nonce record.
    @Test func aRegistrationFloodCannotLockOutOtherDevices() async throws {
        var configuration = Relay.Configuration()
        configuration.registrationLimits = [.perHour(3)]
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            let alice = try await client.register()
            var outcomes: [String] = []
            for _ in 0..<30 {
                let device = TestDevice()
                let body = try JSONEncoder().encode(RegisterRequest(publicKey: device.publicKey))
                let response = try await client.send(.post, "/v1/accounts", body: body, as: device, signingDevice: RequestSigning.registeringDevice)
                outcomes.append(response.errorCode ?? "\(response.status.code)")
            }
            #expect(outcomes.filter { $0 == "201" }.count == 2 && outcomes.filter { $0 == "rate_limited" }.count == 28)
            for _ in 0..<3 {
                let response = try await client.send(.get, "/v1/devices", as: alice)
                #expect(response.status == .ok, "\(response.errorCode ?? "")")
            }
        }
    }

    /// A device past its rate limit records no nonces, and its flood does not touch others' budgets.
    @Test func aRateLimitedFloodCannotLockOutOtherDevices() async throws {
        var configuration = Relay.Configuration()
        configuration.deviceRequestLimits = [RateLimitWindow(seconds: 60, limit: 2)]
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            let alice = try await client.register()
            let mallory = try await client.register()
            var codes: [String] = []
            for _ in 0..<20 { codes.append(try await client.send(.get, "/v1/devices", as: mallory).errorCode ?? "ok") }
            #expect(codes == ["ok", "ok"] + Array(repeating: "rate_limited", count: 18))
            let response = try await client.send(.get, "/v1/devices", as: alice)
            #expect(response.status == .ok, "\(response.errorCode ?? "")")
        }
    }

    /// The nonce of a refused request is not spent: after the window, the very same signed
    /// request (still within the clock skew) is accepted once.
    @Test func aRateLimitedRequestDoesNotSpendItsNonce() async throws {
        var configuration = Relay.Configuration()
        configuration.deviceRequestLimits = [RateLimitWindow(seconds: 60, limit: 1)]
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            let alice = try await client.register()
            #expect(try await client.send(.get, "/v1/devices", as: alice).status == .ok)
            let nonce = RequestSigning.freshNonce()
            let timestamp = Int64(harness.clock.now().timeIntervalSince1970)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce).errorCode == "rate_limited")
            harness.clock.advance(by: 61)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce).status == .ok)
            harness.clock.advance(by: 61)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce).errorCode == "replayed_request")
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
