import Crypto
import Foundation
import RelayAPI
import Testing

@Suite struct RequestSigningTests {
    @Test func canonicalRequestLayout() {
        let canonical = RequestSigning.canonicalRequest(
            method: "POST", path: "/v1/x?a=1", body: Data("abc".utf8), timestamp: 1700000000, nonce: "n", device: "d")
        // SHA-256("abc") is the FIPS 180-2 example digest.
        let expected = "letterlock-request-v1\nPOST\n/v1/x?a=1\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n1700000000\nn\nd"
        #expect(String(decoding: canonical, as: UTF8.self) == expected)
    }

    @Test func signedHeadersVerify() throws {
        let key = Curve25519.Signing.PrivateKey()
        let headers = try RequestSigning.headers(
            method: "GET", path: "/p", body: Data(), device: "dev", key: key, timestamp: 5, nonce: "nonce-nonce-nonce-1")
        let values = Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })
        let signature = try #require(values[RequestSigning.signatureHeader].flatMap { Data(base64URLEncoded: $0) })
        let message = RequestSigning.canonicalRequest(
            method: "GET", path: "/p", body: Data(), timestamp: 5, nonce: "nonce-nonce-nonce-1", device: "dev")
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(values[RequestSigning.timestampHeader] == "5")
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
}
