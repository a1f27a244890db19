import Crypto
import Foundation
import RelayAPI
import Testing

@Suite struct RequestSigningTests {
    @Test func canonicalRequestLayout() {
        let canonical = RequestSigning.canonicalRequest(
            authority: "relay.example", method: "POST", path: "/v1/x?a=1", body: Data("abc".utf8), timestamp: 1700000000, nonce: "n", device: "d")
        // SHA-256("abc") is the FIPS 180-2 example digest.
        let expected =
            "letterlock-request-v2\nrelay.example\nPOST\n/v1/x?a=1\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n1700000000\nn\nd"
        #expect(String(decoding: canonical, as: UTF8.self) == expected)
        #expect(
            String(decoding: RequestSigning.webSocketChallenge(authority: "relay.example", nonce: "n", device: "d"), as: UTF8.self)
                == "letterlock-websocket-v2\nrelay.example\nn\nd")
    }

    @Test func signedHeadersVerify() throws {
        let key = Curve25519.Signing.PrivateKey()
        let headers = try RequestSigning.headers(
            authority: "relay.example", method: "GET", path: "/p", body: Data(), device: "dev", key: key, timestamp: 5, nonce: "nonce-nonce-nonce-1")
        let values = Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })
        let signature = try #require(values[RequestSigning.signatureHeader].flatMap { Data(base64URLEncoded: $0) })
        func message(_ authority: String) -> Data {
            RequestSigning.canonicalRequest(
                authority: authority, method: "GET", path: "/p", body: Data(), timestamp: 5, nonce: "nonce-nonce-nonce-1", device: "dev")
        }
        #expect(key.publicKey.isValidSignature(signature, for: message("relay.example")))
        // Client review M8: the signature is for one relay only.
        #expect(!key.publicKey.isValidSignature(signature, for: message("evil.example")))
        #expect(values[RequestSigning.timestampHeader] == "5")
    }

    /// The authority is what an HTTP client puts in `Host` (RFC 9110 §7.2): the default port
    /// left out, any other kept, the host in lowercase.
    @Test(arguments: [
        ("https://Relay.Example", "relay.example"),
        ("https://relay.example:443/", "relay.example"),
        ("https://relay.example:8443", "relay.example:8443"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://relay.example:80", "relay.example"),
        ("wss://relay.example/v1/websocket", "relay.example"),
        ("ws://localhost:9000/v1/websocket", "localhost:9000"),
        ("http://[::1]:8080", "[::1]:8080"),
    ])
    func authorityOfAURL(url: String, expected: String) throws {
        #expect(RequestSigning.authority(of: try #require(URL(string: url))) == expected)
    }

    @Test func authoritiesThatAreRefused() throws {
        for url in ["ftp://relay.example", "https://user:pw@relay.example", "file:///tmp/x"] {
            #expect(RequestSigning.authority(of: try #require(URL(string: url))) == nil, "\(url)")
        }
        #expect(RequestSigning.normalizedAuthority("Relay.Example:8443") == "relay.example:8443")
        #expect(RequestSigning.normalizedAuthority("a/b") == nil)
        #expect(RequestSigning.normalizedAuthority("a b") == nil)
        #expect(RequestSigning.normalizedAuthority("") == nil)
    }

    @Test func loopbackAuthorities() {
        for name in ["localhost", "localhost:8080", "127.0.0.1", "127.1.2.3:9", "127.255.255.255:65535", "[::1]", "[::1]:8080"] {
            #expect(RequestSigning.isLoopback(authority: name), "\(name)")
        }
        for name in [
            "relay.example", "localhost.evil.example", "128.0.0.1", "127.0.0.1.evil.example", "[::2]:80", "127.0.0", "10.0.0.1:80",
            // Only a port may follow the host.
            "[::1]evil.example", "[::1].evil.example", "[::1]:", "[::1]:80x", "127.0.0.1:", "127.0.0.1:http", "localhost:+80", "::1",
            "127.0.0.1:1234567",
        ] {
            #expect(!RequestSigning.isLoopback(authority: name), "\(name)")
        }
    }

    /// Loopback hosts: `localhost`, 127.0.0.0/8 in dotted decimal, `::1` with or without
    /// brackets; nothing else, IPv4-mapped and other spellings included (they fail closed).
    @Test(arguments: [
        ("localhost", true), ("LocalHost", true), ("127.0.0.1", true), ("127.1.2.3", true), ("127.255.255.255", true),
        ("127.000.000.001", true), ("::1", true), ("[::1]", true),
        ("::ffff:127.0.0.1", false), ("[::ffff:127.0.0.1]", false), ("0:0:0:0:0:0:0:1", false), ("[0:0:0:0:0:0:0:1]", false),
        ("::", false), ("::2", false), ("[::1", false), ("::1]", false), ("127.1", false), ("127.0.0.256", false),
        ("127.+0.0.1", false), ("127.0.0.1.", false), ("localhost.", false), ("128.0.0.1", false), ("0.0.0.0", false),
        ("2130706433", false), ("0x7f.0.0.1", false), ("", false), ("127.0.0.1:80", false), ("[::1]:80", false),
    ] as [(String, Bool)])
    func loopbackHosts(host: String, loopback: Bool) {
        #expect(RequestSigning.isLoopback(host: host) == loopback)
    }

    @Test func nonceShape() {
        #expect(RequestSigning.isWellFormedNonce(RequestSigning.freshNonce()))
        #expect(!RequestSigning.isWellFormedNonce("short"))
        #expect(!RequestSigning.isWellFormedNonce(String(repeating: "a", count: 65)))
        #expect(!RequestSigning.isWellFormedNonce("aaaaaaaaaaaaaaaa\n"))
    }

    @Test func base64URLRoundTrip() {
        for length in 0..<40 {
            let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) })
            let text = data.base64URLEncodedString()
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Data(base64URLEncoded: text) == data)
        }
        #expect(Data(base64URLEncoded: "a") == nil)
        #expect(Data(base64URLEncoded: "ab+c") == nil)
    }

    /// Client review L11: one encoding per byte string. The spare low bits of a final partial
    /// group must be zero ("AB" and "AA" would both decode to 0x00).
    @Test func base64URLIsCanonical() {
        #expect(Data(base64URLEncoded: "AA") == Data([0]))
        #expect(Data(base64URLEncoded: "AB") == nil)
        #expect(Data(base64URLEncoded: "AP") == nil)
        #expect(Data(base64URLEncoded: "AQ") == Data([1]))
        #expect(Data(base64URLEncoded: "AAA") == Data([0, 0]))
        #expect(Data(base64URLEncoded: "AAB") == nil)
        #expect(Data(base64URLEncoded: "AAE") == Data([0, 1]))
        #expect(Data(base64URLEncoded: "AAAB") == Data([0, 0, 1]), "a whole group has no spare bits")
        // Every 1- and 2-byte value: its encoding decodes; any other last character does not.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for value in 0..<(1 << 16) {
            let data = value < 256 ? Data([UInt8(value)]) : Data([UInt8(value >> 8), UInt8(value & 0xff)])
            let text = data.base64URLEncodedString()
            #expect(Data(base64URLEncoded: text) == data)
            guard value % 97 == 0 else { continue }  // the negative half on a sample
            for other in alphabet where other != text.last {
                let variant = String(text.dropLast()) + String(other)
                if let decoded = Data(base64URLEncoded: variant) { #expect(decoded != data, "\(variant) also decodes to \(text)") }
            }
        }
    }
}
