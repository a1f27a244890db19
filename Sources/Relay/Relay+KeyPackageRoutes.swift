import Foundation
import Hummingbird
import RelayAPI
import RelayStorage

extension Relay {
    /// The key directory (RFC 9750 §5.1): upload, counts, and claim (which consumes).
    func addKeyPackageRoutes(to router: Router<RelayRequestContext>) {
        router.post("/v1/key-packages") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: self.configuration.maximumSendBodySize)
            let upload = try self.decode(KeyPackageUploadRequest.self, from: auth.body)
            let all = upload.keyPackages + (upload.lastResort.map { [$0] } ?? [])
            // Only configured suites: the per-suite limit would otherwise multiply by 65,536
            // suites a device can invent (review M4).
            guard upload.keyPackages.count <= self.configuration.maximumKeyPackagesPerUpload,
                all.allSatisfy({ (1...self.configuration.maximumKeyPackageSize).contains($0.data.count) }),
                all.allSatisfy({ self.configuration.acceptedCipherSuites.contains($0.cipherSuite) })
            else { throw RelayError.malformedRequest }
            try await self.storage {
                try await self.store.storeKeyPackages(
                    upload.keyPackages.map { KeyPackageUpload(cipherSuite: $0.cipherSuite, data: $0.data) },
                    lastResort: upload.lastResort.map { KeyPackageUpload(cipherSuite: $0.cipherSuite, data: $0.data) },
                    for: auth.device.id, limitPerSuite: self.configuration.keyPackageLimitPerSuite
                )
            }
            return Response(status: .noContent)
        }
        router.get("/v1/key-packages/counts") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let counts = try await self.store.keyPackageCounts(of: auth.device.id)
            return try self.json(
                KeyPackageCountsResponse(
                    counts: counts.map { .init(cipherSuite: $0.cipherSuite, oneTime: $0.oneTime, lastResort: $0.hasLastResort) }
                )
            )
        }
        router.post("/v1/devices/:deviceID/key-packages/claim") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            guard let target = DeviceID(rawValue: try context.parameters.require("deviceID")) else { throw RelayError.notFound }
            guard let suiteText = request.uri.queryParameters.get("cipherSuite"), let suite = UInt16(suiteText) else {
                throw RelayError.malformedRequest
            }
            try await self.rateLimit("claim:\(auth.device.id)", self.configuration.keyPackageClaimLimits)
            // One account may not drain a target's one-time packages (review L4): claims are
            // also counted per (claiming account, target device).
            try await self.rateLimit("claim-target:\(auth.device.accountID):\(target)", self.configuration.keyPackageClaimLimitsPerTarget)
            guard let package = try await self.store.claimKeyPackage(of: target, cipherSuite: suite) else {
                throw RelayError.noKeyPackage
            }
            return try self.json(KeyPackageClaimResponse(cipherSuite: package.cipherSuite, data: package.data, lastResort: package.isLastResort))
        }
    }
}
