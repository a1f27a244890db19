public import Foundation

/// One KeyPackage in a request or response: opaque bytes and their cipher suite.
public struct KeyPackageBody: Codable, Sendable, Equatable {
    public var cipherSuite: UInt16
    public var data: Data
    public init(cipherSuite: UInt16, data: Data) {
        self.cipherSuite = cipherSuite
        self.data = data
    }
}

/// `POST /v1/key-packages`.
public struct KeyPackageUploadRequest: Codable, Sendable {
    public var keyPackages: [KeyPackageBody]
    public var lastResort: KeyPackageBody?
    public init(keyPackages: [KeyPackageBody], lastResort: KeyPackageBody? = nil) {
        self.keyPackages = keyPackages
        self.lastResort = lastResort
    }
}

/// `POST /v1/devices/{deviceID}/key-packages/claim`.
public struct KeyPackageClaimResponse: Codable, Sendable, Equatable {
    public var cipherSuite: UInt16
    public var data: Data
    public var lastResort: Bool
    public init(cipherSuite: UInt16, data: Data, lastResort: Bool) {
        self.cipherSuite = cipherSuite
        self.data = data
        self.lastResort = lastResort
    }
}

/// `GET /v1/key-packages/counts`.
public struct KeyPackageCountsResponse: Codable, Sendable, Equatable {
    public struct Count: Codable, Sendable, Equatable {
        public var cipherSuite: UInt16
        public var oneTime: Int
        public var lastResort: Bool
        public init(cipherSuite: UInt16, oneTime: Int, lastResort: Bool) {
            self.cipherSuite = cipherSuite
            self.oneTime = oneTime
            self.lastResort = lastResort
        }
    }
    public var counts: [Count]
    public init(counts: [Count]) { self.counts = counts }
}
