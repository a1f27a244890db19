public import Foundation
public import RelayAPI

/// The key directory's KeyPackage routes (docs/relay.md).
extension RelayClient {
    public func uploadKeyPackages(_ packages: [KeyPackageBody], lastResort: KeyPackageBody?) async throws {
        try await perform("POST", "/v1/key-packages", json: KeyPackageUploadRequest(keyPackages: packages, lastResort: lastResort))
    }

    public func keyPackageCounts() async throws -> KeyPackageCountsResponse { try await call("GET", "/v1/key-packages/counts") }

    /// Consumes one KeyPackage of `deviceID` (a last-resort one is returned, not consumed).
    public func claimKeyPackage(of deviceID: String, cipherSuite: UInt16) async throws -> KeyPackageClaimResponse {
        guard Self.isRelayID(deviceID) else { throw RelayClientError.notFound }
        return try await call("POST", "/v1/devices/\(deviceID)/key-packages/claim?cipherSuite=\(cipherSuite)")
    }
}
