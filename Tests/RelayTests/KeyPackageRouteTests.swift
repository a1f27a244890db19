import Foundation
import HTTPTypes
import HummingbirdTesting
import Relay
import RelayAPI
import RelayStorage
import Testing

@Suite struct KeyPackageRouteTests {
    @Test func uploadCountAndClaimConsumesOneEach() async throws {
        try await RelayHarness().withClient { client in
            let bob = try await client.register()
            let alice = try await client.register()
            let upload = KeyPackageUploadRequest(
                keyPackages: (0..<3).map { KeyPackageBody(cipherSuite: 1, data: Data("kp\($0)".utf8)) },
                lastResort: KeyPackageBody(cipherSuite: 1, data: Data("last".utf8))
            )
            #expect(try await client.send(.post, "/v1/key-packages", json: upload, as: bob).status == .noContent)
            let counts = try await client.send(.get, "/v1/key-packages/counts", as: bob).decode(KeyPackageCountsResponse.self)
            #expect(counts.counts == [.init(cipherSuite: 1, oneTime: 3, lastResort: true)])

            var claimed: [KeyPackageClaimResponse] = []
            for _ in 0..<4 {
                let response = try await client.send(.post, "/v1/devices/\(bob.deviceID)/key-packages/claim?cipherSuite=1", as: alice)
                #expect(response.status == .ok)
                claimed.append(try response.decode(KeyPackageClaimResponse.self))
            }
            #expect(claimed.map(\.data) == ["kp0", "kp1", "kp2", "last"].map { Data($0.utf8) })
            #expect(claimed.map(\.lastResort) == [false, false, false, true])
            let after = try await client.send(.get, "/v1/key-packages/counts", as: bob).decode(KeyPackageCountsResponse.self)
            #expect(after.counts == [.init(cipherSuite: 1, oneTime: 0, lastResort: true)])

            let otherSuite = try await client.send(.post, "/v1/devices/\(bob.deviceID)/key-packages/claim?cipherSuite=3", as: alice)
            #expect(otherSuite.status == .notFound && otherSuite.errorCode == "no_key_package")
            let unknown = try await client.send(.post, "/v1/devices/\(String(repeating: "c", count: 32))/key-packages/claim?cipherSuite=1", as: alice)
            #expect(unknown.errorCode == "no_key_package")
            #expect(try await client.send(.post, "/v1/devices/\(bob.deviceID)/key-packages/claim", as: alice).errorCode == "malformed_request")
            #expect(
                try await client.send(.post, "/v1/devices/\(bob.deviceID)/key-packages/claim?cipherSuite=70000", as: alice).errorCode
                    == "malformed_request")
            #expect(
                try await client.send(.post, "/v1/devices/\(bob.deviceID)/key-packages/claim?cipherSuite=1", as: nil).errorCode == "unauthenticated")
        }
    }

    @Test func uploadsAreBounded() async throws {
        var configuration = Relay.Configuration()
        configuration.maximumKeyPackagesPerUpload = 4
        configuration.keyPackageLimitPerSuite = 6
        configuration.maximumKeyPackageSize = 64
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            func upload(_ count: Int, size: Int = 8) async throws -> TestResponse {
                let body = KeyPackageUploadRequest(keyPackages: (0..<count).map { _ in KeyPackageBody(cipherSuite: 1, data: Data(count: size)) })
                return try await client.send(.post, "/v1/key-packages", json: body, as: bob)
            }
            #expect(try await upload(5).errorCode == "malformed_request")
            #expect(try await upload(1, size: 65).errorCode == "malformed_request")
            #expect(try await upload(1, size: 0).errorCode == "malformed_request")
            #expect(try await upload(4).status == .noContent)
            #expect(try await upload(3).errorCode == "key_package_limit_reached")
            #expect(try await upload(2).status == .noContent)
            let bad = try await client.send(
                .post, "/v1/key-packages", body: Data(#"{"keyPackages":[{"cipherSuite":-1,"data":"AA=="}]}"#.utf8), as: bob)
            #expect(bad.errorCode == "malformed_request")
        }
    }

    /// Review M4: the per-suite limit must not multiply by every UInt16 a device can invent.
    @Test func onlyConfiguredCipherSuitesAreAccepted() async throws {
        var configuration = Relay.Configuration()
        configuration.acceptedCipherSuites = [1, 7]
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            func upload(_ suites: [UInt16], lastResort: UInt16? = nil) async throws -> TestResponse {
                let body = KeyPackageUploadRequest(
                    keyPackages: suites.map { KeyPackageBody(cipherSuite: $0, data: Data("kp".utf8)) },
                    lastResort: lastResort.map { KeyPackageBody(cipherSuite: $0, data: Data("last".utf8)) }
                )
                return try await client.send(.post, "/v1/key-packages", json: body, as: bob)
            }
            #expect(try await upload([1, 0x1234]).errorCode == "malformed_request")
            #expect(try await upload([2]).errorCode == "malformed_request")
            #expect(try await upload([1], lastResort: 0xffff).errorCode == "malformed_request")
            let none = try await client.send(.get, "/v1/key-packages/counts", as: bob).decode(KeyPackageCountsResponse.self)
            #expect(none.counts.isEmpty, "a refused upload stores nothing")
            #expect(try await upload([1, 7], lastResort: 7).status == .noContent)
        }
    }

    @Test func claimsAreRateLimitedPerRequestingDevice() async throws {
        var configuration = Relay.Configuration()
        configuration.keyPackageClaimLimits = [.perHour(2)]
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            let alice = try await client.register()
            let path = "/v1/devices/\(bob.deviceID)/key-packages/claim?cipherSuite=1"
            for _ in 0..<2 { #expect(try await client.send(.post, path, as: alice).errorCode == "no_key_package") }
            let limited = try await client.send(.post, path, as: alice)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
        }
    }
}
