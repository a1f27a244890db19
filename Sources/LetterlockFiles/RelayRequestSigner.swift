public import Crypto
public import Foundation
import RelayAPI

/// Signs relay requests (``RequestSigning``) for the blob routes. A role, so LetterlockKit's
/// device state can sign without this module knowing where the key lives.
public protocol RelayRequestSigner: Sendable {
    /// The four `Letterlock-*` headers for one request to the relay at `authority`
    /// (``RequestSigning/authority(of:)``) whose body has SHA-256 `bodySHA256`; `path` includes
    /// the query. The body's hash comes in (rather than the body) because an upload part's hash
    /// is also its place in the blob's content address: it is computed once, for both.
    func signatureHeaders(authority: String, method: String, path: String, bodySHA256: SHA256.Digest) throws -> [(name: String, value: String)]
}

extension RelayRequestSigner {
    /// The headers for a request with `body`.
    public func signatureHeaders(authority: String, method: String, path: String, body: Data) throws -> [(name: String, value: String)] {
        try signatureHeaders(authority: authority, method: method, path: path, bodySHA256: SHA256.hash(data: body))
    }
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

    public func signatureHeaders(authority: String, method: String, path: String, bodySHA256: SHA256.Digest) throws -> [(name: String, value: String)] {
        try RequestSigning.headers(
            authority: authority, method: method, path: path, bodySHA256: bodySHA256, device: deviceID, key: key,
            timestamp: Int64(now().timeIntervalSince1970))
    }
}
