public import Crypto
public import Foundation

/// How a device proves a request is its own: it signs a canonical string with its Ed25519 key.
///
/// ```
/// letterlock-request-v2 \n AUTHORITY \n METHOD \n PATH?QUERY \n hex(SHA-256(body)) \n TIMESTAMP \n NONCE \n DEVICE
/// ```
///
/// `AUTHORITY` is the relay the request is for, as the client addresses it (``authority(of:)``:
/// RFC 3986 §3.2 host and port, the form of an HTTP `Host` header), so a signature made for one
/// relay is worthless at another: a host that receives a signed request (a public link naming
/// it, a wrong `--relay`) cannot replay it to the real relay (client review M8, relay review L2).
/// The relay checks it against the authorities it knows itself by (`--public-authority`).
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

    public static func canonicalRequest(
        authority: String, method: String, path: String, body: some DataProtocol, timestamp: Int64, nonce: String, device: String
    ) -> Data {
        canonicalRequest(
            authority: authority, method: method, path: path, bodySHA256: SHA256.hash(data: body), timestamp: timestamp, nonce: nonce, device: device)
    }

    /// The canonical request for a body whose SHA-256 is already known: a blob part's hash is
    /// also its place in the content address (``BlobAddress``), so each side hashes it once.
    public static func canonicalRequest(
        authority: String, method: String, path: String, bodySHA256: SHA256.Digest, timestamp: Int64, nonce: String, device: String
    ) -> Data {
        let bodyHash = BlobAddress.hex(bodySHA256)
        return Data(["letterlock-request-v2", authority, method, path, bodyHash, String(timestamp), nonce, device].joined(separator: "\n").utf8)
    }

    /// The string a device signs to answer a WebSocket challenge from the relay at `authority`.
    public static func webSocketChallenge(authority: String, nonce: String, device: String) -> Data {
        Data(["letterlock-websocket-v2", authority, nonce, device].joined(separator: "\n").utf8)
    }

    /// The authority a client signs for the relay at `url`: the host in lowercase (an IPv6
    /// address in brackets), then `:port` when the URL names a port other than its scheme's
    /// default (80 for http/ws, 443 for https/wss), exactly as an HTTP client writes the `Host`
    /// header (RFC 9110 §7.2). Nil for a URL without a host, with user information, or a
    /// scheme other than those four.
    public static func authority(of url: URL) -> String? {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else { return nil }
        let defaultPort: Int
        switch scheme {
        case "http", "ws": defaultPort = 80
        case "https", "wss": defaultPort = 443
        default: return nil
        }
        var name = host.lowercased()
        if name.contains(":") && !name.hasPrefix("[") { name = "[\(name)]" }
        guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") }) else { return nil }
        if let port = components.port, port != defaultPort { name += ":\(port)" }
        return name
    }

    /// `authority` (a `Host` header, or a configured name) in the form ``authority(of:)`` gives:
    /// the host in lowercase; the port kept as written. Nil when it is not a plausible authority.
    public static func normalizedAuthority(_ authority: String) -> String? {
        let lowered = authority.trimmingCharacters(in: .whitespaces).lowercased()
        guard !lowered.isEmpty, lowered.utf8.count <= 262,
            lowered.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "@") })
        else { return nil }
        return lowered
    }

    /// Whether `authority` (a host and an optional `:port`, as in a `Host` header or the form of
    /// ``normalizedAuthority(_:)``) names this machine: its host passes ``isLoopback(host:)`` and
    /// what follows it, if anything, is a port (1 to 5 digits).
    public static func isLoopback(authority: String) -> Bool {
        let host: Substring
        let port: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[...close]
            port = authority[authority.index(after: close)...]
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[colon...]
        } else {
            host = authority[...]
            port = ""
        }
        guard port.isEmpty || (port.first == ":" && (2...6).contains(port.utf8.count) && port.utf8.dropFirst().allSatisfy(isDigit)) else {
            return false
        }
        return isLoopback(host: String(host))
    }

    /// Whether `host` (a name or an address, IPv6 with or without brackets; no port) names only
    /// this machine: `localhost` (RFC 6761 §6.3), an IPv4 address in 127.0.0.0/8 written as four
    /// decimal octets, or the IPv6 loopback `::1`. Nothing else: the IPv4-mapped
    /// `::ffff:127.0.0.1`, another spelling of `::1` (`0:0:0:0:0:0:0:1`) and a trailing dot are
    /// not recognised. The checks that use this fail closed (a public link over `http` is
    /// refused, the relay warns about a public bind), so an unusual spelling costs a refusal or
    /// a warning, never trust in a host that is not this machine; writing `::1` or `127.0.0.1`
    /// instead is the fix. The relay's bind warning and `FileCipher`'s public links both use it.
    public static func isLoopback(host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "::1" || name == "[::1]" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { (1...3).contains($0.utf8.count) && $0.utf8.allSatisfy(isDigit) && UInt8($0) != nil }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// The string a new device's key signs to prove possession when it is added to an account.
    public static func addDeviceProof(account: String, publicKey: Data) -> Data {
        Data(["letterlock-add-device-v1", account, publicKey.base64URLEncodedString()].joined(separator: "\n").utf8)
    }

    /// True when `nonce` has the allowed shape (16 to 64 base64url characters).
    public static func isWellFormedNonce(_ nonce: String) -> Bool {
        (16...64).contains(nonce.utf8.count) && Data(base64URLEncoded: nonce) != nil
    }

    /// Signs a request for the relay at `authority` (``authority(of:)``): the four headers to
    /// send with it.
    public static func headers(
        authority: String, method: String, path: String, body: some DataProtocol, device: String, key: Curve25519.Signing.PrivateKey,
        timestamp: Int64, nonce: String = Self.freshNonce()
    ) throws -> [(name: String, value: String)] {
        try headers(
            authority: authority, method: method, path: path, bodySHA256: SHA256.hash(data: body), device: device, key: key, timestamp: timestamp,
            nonce: nonce)
    }

    /// Signs a request whose body's SHA-256 is already known (see
    /// ``canonicalRequest(authority:method:path:bodySHA256:timestamp:nonce:device:)``).
    public static func headers(
        authority: String, method: String, path: String, bodySHA256: SHA256.Digest, device: String, key: Curve25519.Signing.PrivateKey,
        timestamp: Int64, nonce: String = Self.freshNonce()
    ) throws -> [(name: String, value: String)] {
        let message = canonicalRequest(
            authority: authority, method: method, path: path, bodySHA256: bodySHA256, timestamp: timestamp, nonce: nonce, device: device)
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
