import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Relay
import RelayAPI
import RelayStorage
import Synchronization
import Testing

/// Client review M8 and relay review L2 (docs/client-review-fixes.md): a signature names the relay
/// it is for, and a nonce outlives the relay process.
@Suite struct SignedAuthorityTests {
    /// A host that receives a request signed for itself (a public link naming it, a mistyped
    /// `--relay`) cannot replay it to the real relay.
    @Test func aRequestSignedForAnotherRelayIsRefused() async throws {
        try await RelayHarness().withClient { client in
            let alice = try await client.register()
            let elsewhere = try await client.send(.get, "/v1/devices", as: alice, authority: "evil.example")
            #expect(elsewhere.status == .unauthorized && elsewhere.errorCode == "bad_signature")
            #expect(try await client.send(.get, "/v1/devices", as: alice).status == .ok, "signed for this relay (the test's Host, localhost)")
        }
    }

    /// A configured public name is what a signature must carry, whatever `Host` the request
    /// came with (behind a proxy the relay may see another).
    @Test func theConfiguredPublicAuthorityIsTheOneSigned() async throws {
        var configuration = Relay.Configuration()
        configuration.publicAuthorities = ["relay.example", "relay.example:8443"]
        try await RelayHarness(configuration: configuration).withClient { client in
            let alice = try await client.register(authority: "relay.example")
            #expect(try await client.send(.get, "/v1/devices", as: alice, authority: "relay.example").status == .ok)
            #expect(try await client.send(.get, "/v1/devices", as: alice, authority: "relay.example:8443").status == .ok)
            let local = try await client.send(.get, "/v1/devices", as: alice, authority: "localhost")
            #expect(local.errorCode == "bad_signature", "the loopback default is off once a name is set")
        }
    }

    /// Without a configured name, only a loopback `Host` is taken as the relay's own.
    @Test func withoutAConfiguredNameOnlyALoopbackHostCounts() {
        let relay = Relay(store: InMemoryRelayStore())
        #expect(relay.signedAuthorities("localhost:8080") == ["localhost:8080"])
        #expect(relay.signedAuthorities("127.0.0.1") == ["127.0.0.1"])
        #expect(relay.signedAuthorities("[::1]:9") == ["[::1]:9"])
        #expect(relay.signedAuthorities("Relay.Example") == [])
        #expect(relay.signedAuthorities(nil) == [])
        var configuration = Relay.Configuration()
        configuration.publicAuthorities = ["relay.example"]
        #expect(Relay(store: InMemoryRelayStore(), configuration: configuration).signedAuthorities("localhost") == ["relay.example"])
    }

    /// Relay review L2: the nonce record is in the store, so it outlives the process.
    @Test func aReplayAfterARestartIsRefused() async throws {
        let store = InMemoryRelayStore()
        let nonce = RequestSigning.freshNonce()
        let before = RelayHarness(store: store)
        let alice = try await Captured.run(before) { client in
            let alice = try await client.register()
            let timestamp = Int64(before.clock.now().timeIntervalSince1970)
            #expect(try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce).status == .ok)
            return alice
        }
        // A new process over the same store, the clock a minute on.
        let after = RelayHarness(store: store)
        after.clock.advance(by: 60)
        try await after.withClient { client in
            let timestamp = Int64(before.clock.now().timeIntervalSince1970)
            let replay = try await client.send(.get, "/v1/devices", as: alice, timestamp: timestamp, nonce: nonce)
            #expect(replay.status == .unauthorized && replay.errorCode == "replayed_request")
            #expect(try await client.send(.get, "/v1/devices", as: alice).status == .ok, "fresh requests still pass")
        }
    }

    /// The WebSocket challenge is signed for the relay too.
    @Test func aPushAnswerSignedForAnotherRelayIsRefused() async throws {
        let harness = RelayHarness()
        try await WebSocketPushTests.liveApplication(harness).test(.live) { client in
            let alice = try await RelayTestClient(client: client, clock: harness.clock).register()
            try await WebSocketPushTests.connect(client, as: alice, authority: "evil.example") { _, received in
                try await received.wait("refusal") { $0.contains { $0.type == "error" && $0.code == "unauthenticated" } }
            }
        }
    }
}

/// Runs a harness's client and hands back what the body returned.
enum Captured {
    static func run<T: Sendable>(_ harness: RelayHarness, _ body: @escaping @Sendable (RelayTestClient) async throws -> T) async throws -> T {
        let result = Mutex<T?>(nil)
        try await harness.withClient { client in
            let value = try await body(client)
            result.withLock { $0 = value }
        }
        guard let value = result.withLock({ $0 }) else { throw CancellationError() }
        return value
    }
}
