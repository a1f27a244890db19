public import Crypto
public import Foundation

/// How a device proves a request is its own: it signs a canonical string with its Ed25519 key.
///
/// ```
/// letterlock-request-v1 \n METHOD \n PATH?QUERY \n hex(SHA-256(body)) \n TIMESTAMP \n NONCE \n DEVICE
/// ```
///
/// `TIMESTAMP` is Unix seconds; `NONCE` is 16 to 64 base64url characters, fresh per request;
/// `DEVICE` is the device id (or `-` when registering, where the key is in the body). No field can
/// contain a newline, so the string is unambiguous. The relay refuses stale timestamps and
/// replayed nonces.
public enum RequestSigning {
    public static let deviceHeader = "Letterlock-Device"
    public static let timestampHeader = "Letterlock-Timestamp"
    public static let nonceHeader = "Letterlock-Nonce"
    public static let signatureHeader = "Letterlock-Signature"
    /// The `DEVICE` field of a registration request.
    public static let registeringDevice = "-"

    public static func canonicalRequest(method: String, path: String, body: some DataProtocol, timestamp: Int64, nonce: String, device: String)
        -> Data
    {
        let bodyHash = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        return Data(["letterlock-request-v1", method, path, bodyHash, String(timestamp), nonce, device].joined(separator: "\n").utf8)
    }

    /// The string a device signs to answer a WebSocket challenge.
    public static func webSocketChallenge(nonce: String, device: String) -> Data {
        Data(["letterlock-websocket-v1", nonce, device].joined(separator: "\n").utf8)
    }

    /// The string a new device's key signs to prove possession when it is added to an account.
    public static func addDeviceProof(account: String, publicKey: Data) -> Data {
        Data(["letterlock-add-device-v1", account, publicKey.base64URLEncodedString()].joined(separator: "\n").utf8)
    }

    /// True when `nonce` has the allowed shape (16 to 64 base64url characters).
    public static func isWellFormedNonce(_ nonce: String) -> Bool {
        (16...64).contains(nonce.utf8.count) && Data(base64URLEncoded: nonce) != nil
    }

    /// Signs a request: the four headers to send with it.
    public static func headers(
        method: String, path: String, body: some DataProtocol, device: String, key: Curve25519.Signing.PrivateKey, timestamp: Int64,
        nonce: String = Self.freshNonce()
    ) throws -> [(name: String, value: String)] {
        let message = canonicalRequest(method: method, path: path, body: body, timestamp: timestamp, nonce: nonce, device: device)
        let signature = try key.signature(for: message)
        return [
            (deviceHeader, device), (timestampHeader, String(timestamp)), (nonceHeader, nonce),
            (signatureHeader, Data(signature).base64URLEncodedString()),
        ]
    }

    /// 18 random bytes, base64url (24 characters).
    public static func freshNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<18).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64URLEncodedString()
    }
}
