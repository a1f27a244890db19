public import Crypto
public import Foundation
import RelayAPI

/// Signs relay requests (``RequestSigning``) for the blob routes. A role, so LetterlockKit's
/// device state can sign without this module knowing where the key lives.
public protocol RelayRequestSigner: Sendable {
    /// The four `Letterlock-*` headers for one request to the relay at `authority`
    /// (``RequestSigning/authority(of:)``); `path` includes the query.
    func signatureHeaders(authority: String, method: String, path: String, body: Data) throws -> [(name: String, value: String)]
}

/// A device id and its Ed25519 key, held in memory.
public struct DeviceRequestSigner: RelayRequestSigner {
    public let deviceID: String
    private let key: Curve25519.Signing.PrivateKey
    private let now: @Sendable () -> Date

    public init(deviceID: String, key: Curve25519.Signing.PrivateKey, now: @escaping @Sendable () -> Date = { Date() }) {
        self.deviceID = deviceID
        self.key = key
        self.now = now
    }

    public func signatureHeaders(authority: String, method: String, path: String, body: Data) throws -> [(name: String, value: String)] {
        try RequestSigning.headers(
            authority: authority, method: method, path: path, body: body, device: deviceID, key: key, timestamp: Int64(now().timeIntervalSince1970))
    }
}
