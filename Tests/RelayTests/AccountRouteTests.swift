import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayAPI
import RelayStorage
import Testing

@Suite struct AccountRouteTests {
    @Test func healthAndReadiness() async throws {
        try await RelayHarness().withClient { client in
            #expect(try await client.send(.get, "/healthz", as: nil).status == .ok)
            #expect(try await client.send(.get, "/readyz", as: nil).status == .ok)
            let missing = try await client.send(.get, "/v1/nothing-here", as: nil)
            #expect(missing.status == .notFound)
        }
    }

    @Test func registerCreatesAnAccountWithItsFirstDevice() async throws {
        let harness = RelayHarness()
        try await harness.withClient { client in
            let alice = try await client.register(username: "alice")
            let bob = try await client.register()
            #expect(alice.accountID != bob.accountID && alice.deviceID != bob.deviceID, "ids are random")
            let own = try await client.send(.get, "/v1/devices", as: alice).decode(DeviceListResponse.self)
            #expect(own.devices == [DeviceBody(deviceID: alice.deviceID, publicKey: alice.publicKey)])
            // The key directory: another account's devices and keys.
            let directory = try await client.send(.get, "/v1/accounts/\(alice.accountID)/devices", as: bob)
            #expect(try directory.decode(DeviceListResponse.self) == own)
            let unknown = try await client.send(.get, "/v1/accounts/\(String(repeating: "a", count: 32))/devices", as: bob)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func registrationRefusesBadInput() async throws {
        var configuration = Relay.Configuration()
        configuration.maximumSmallBodySize = 1024
        try await RelayHarness(configuration: configuration).withClient { client in
            let device = TestDevice()
            func register(_ body: Data, as signer: TestDevice = device) async throws -> TestResponse {
                try await client.send(.post, "/v1/accounts", body: body, as: signer, signingDevice: RequestSigning.registeringDevice)
            }
            let good = try JSONEncoder().encode(RegisterRequest(publicKey: device.publicKey))
            #expect(try await client.send(.post, "/v1/accounts", body: good, as: nil).errorCode == "unauthenticated")
            #expect(try await register(Data("{not json".utf8)).errorCode == "malformed_request")
            #expect(try await register(Data("{}".utf8)).errorCode == "malformed_request")
            let oversized = try await register(Data(repeating: UInt8(ascii: " "), count: 2048))
            #expect(oversized.status == .contentTooLarge && oversized.errorCode == "body_too_large")
            // Signed by a different key than the one being registered.
            #expect(try await register(good, as: TestDevice()).errorCode == "bad_signature")
            let short = try JSONEncoder().encode(RegisterRequest(publicKey: Data(count: 31)))
            #expect(try await register(short).errorCode == "invalid_public_key")
            for name in ["Alice", "al", String(repeating: "a", count: 33), "al ice", "álice"] {
                let body = try JSONEncoder().encode(RegisterRequest(publicKey: device.publicKey, username: name))
                #expect(try await register(body).errorCode == "invalid_username", "\(name)")
            }
            let first = try await register(good)
            #expect(first.status == .created)
            // The same key cannot register twice (and the replayed request is refused first).
            #expect(try await register(good).errorCode == "device_exists")
        }
    }

    @Test func usernamesAreUniqueAndLookedUpExactly() async throws {
        try await RelayHarness().withClient { client in
            let alice = try await client.register()
            let bob = try await client.register(username: "bob_1")
            #expect(
                try await client.send(.put, "/v1/account/username", json: UsernameRequest(username: "bob_1"), as: alice).errorCode == "username_taken"
            )
            #expect(
                try await client.send(.put, "/v1/account/username", json: UsernameRequest(username: "Alice"), as: alice).errorCode
                    == "invalid_username")
            #expect(try await client.send(.put, "/v1/account/username", json: UsernameRequest(username: "alice"), as: alice).status == .noContent)
            let found = try await client.send(.get, "/v1/usernames/alice", as: bob)
            #expect(try found.decode(UsernameLookupResponse.self).accountID == alice.accountID)
            #expect(try await client.send(.get, "/v1/usernames/alic", as: bob).status == .notFound, "no prefix match")
            #expect(try await client.send(.get, "/v1/usernames/alice", as: nil).errorCode == "unauthenticated")
            #expect(try await client.send(.delete, "/v1/account/username", as: alice).status == .noContent)
            #expect(try await client.send(.get, "/v1/usernames/alice", as: bob).status == .notFound)
        }
    }

    @Test func devicesCanBeAddedUpToTheLimitAndRemoved() async throws {
        var configuration = Relay.Configuration()
        configuration.deviceLimit = 2
        try await RelayHarness(configuration: configuration).withClient { client in
            let first = try await client.register()
            let other = try await client.register()
            // A proof signed by the wrong key is refused.
            let stranger = TestDevice()
            let wrongProof = try TestDevice().key.signature(
                for: RequestSigning.addDeviceProof(account: first.accountID, publicKey: stranger.publicKey))
            let refused = try await client.send(
                .post, "/v1/devices", json: AddDeviceRequest(publicKey: stranger.publicKey, proof: wrongProof), as: first)
            #expect(refused.errorCode == "bad_signature")
            let weak = try await client.send(
                .post, "/v1/devices", json: AddDeviceRequest(publicKey: Data(count: 32), proof: Data(count: 64)), as: first)
            #expect(weak.errorCode == "invalid_public_key")

            let added = try await client.addDevice(to: first)
            #expect(added.status == .created)
            let second = try added.decode(RegisterResponse.self)
            #expect(second.accountID == first.accountID)
            #expect(try await client.addDevice(to: first).errorCode == "device_limit_reached")

            #expect(try await client.send(.delete, "/v1/devices/\(second.deviceID)", as: other).status == .notFound, "not another account's device")
            #expect(try await client.send(.delete, "/v1/devices/\(second.deviceID)", as: first).status == .noContent)
            #expect(try await client.send(.delete, "/v1/devices/\(first.deviceID)", as: first).errorCode == "last_device")
        }
    }

    @Test func deletingAnAccountErasesItAndItsDevicesStopWorking() async throws {
        let harness = RelayHarness()
        try await harness.withClient { client in
            let doomed = try await client.register(username: "doomed")
            let friend = try await client.register()
            let token = try await client.rotateToken(doomed)
            #expect(try await client.sealed(MLSMessageBuilder.welcome(), to: [(doomed, token)]).status == .created)
            #expect(try await client.send(.delete, "/v1/account", as: doomed).status == .noContent)
            #expect(try await client.send(.get, "/v1/devices", as: doomed).errorCode == "unknown_device")
            #expect(try await client.send(.get, "/v1/usernames/doomed", as: friend).status == .notFound)
            #expect(try await client.sealed(MLSMessageBuilder.welcome(), to: [(doomed, token)]).errorCode == "unknown_recipient")
            let id = try #require(DeviceID(rawValue: doomed.deviceID))
            #expect(try await harness.store.mailboxDepth(of: id) == 0)
            #expect(try await harness.store.account(#require(AccountID(rawValue: doomed.accountID))) == nil)
        }
    }

    @Test func blocksCanBeListedAndLifted() async throws {
        try await RelayHarness().withClient { client in
            let alice = try await client.register()
            let mallory = try await client.register()
            #expect(try await client.send(.put, "/v1/blocks/\(mallory.accountID)", as: alice).status == .noContent)
            #expect(try await client.send(.get, "/v1/blocks", as: alice).decode(BlockListResponse.self).accounts == [mallory.accountID])
            #expect(try await client.send(.put, "/v1/blocks/not-an-id", as: alice).status == .notFound)
            #expect(try await client.send(.delete, "/v1/blocks/\(mallory.accountID)", as: alice).status == .noContent)
            #expect(try await client.send(.get, "/v1/blocks", as: alice).decode(BlockListResponse.self).accounts == [])
        }
    }
}
