public import Foundation

/// One KeyPackage as uploaded by its device: opaque bytes and the cipher suite they are for
/// (RFC 9420 §10). The relay never parses the package; the client that fetches it validates it.
public struct KeyPackageUpload: Hashable, Sendable {
    public var cipherSuite: UInt16
    public var data: Data

    public init(cipherSuite: UInt16, data: Data) {
        self.cipherSuite = cipherSuite
        self.data = data
    }
}

/// A KeyPackage handed out by ``KeyPackageStore/claimKeyPackage(of:cipherSuite:)``.
public struct ClaimedKeyPackage: Hashable, Sendable {
    public var cipherSuite: UInt16
    public var data: Data
    /// True when no one-time package was left and the device's last-resort package was returned
    /// (RFC 9750 §5.1: it is returned but not consumed).
    public var isLastResort: Bool

    public init(cipherSuite: UInt16, data: Data, isLastResort: Bool) {
        self.cipherSuite = cipherSuite
        self.data = data
        self.isLastResort = isLastResort
    }
}

/// How many packages a device has left for one cipher suite, so that it can refill.
public struct KeyPackageCount: Hashable, Sendable {
    public var cipherSuite: UInt16
    public var oneTime: Int
    public var hasLastResort: Bool

    public init(cipherSuite: UInt16, oneTime: Int, hasLastResort: Bool) {
        self.cipherSuite = cipherSuite
        self.oneTime = oneTime
        self.hasLastResort = hasLastResort
    }
}
