import Crypto
@testable import MLS
import Testing

/// `KeyedExpander` (our HMAC over swift-crypto's SHA-2, keyed once, and HKDF-Expand over it)
/// against swift-crypto's own HKDF: every hash, keys shorter than, equal to and longer than a
/// block (hashed first, RFC 2104), and outputs of one block, several blocks and the maximum.
@Suite struct KeyedExpanderTests {
    @Test(arguments: [HashAlgorithm.sha256, .sha384, .sha512])
    func matchesSwiftCryptoHKDF(hash: HashAlgorithm) {
        let hashLength = hash.outputByteCount
        for keyLength in [1, 16, hashLength, 64, 128, 129, 300] {
            let key = SymmetricKey(data: (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
            let expander = KeyedExpander(hash, key: key)
            for infoLength in [0, 5, 300] {
                let info = (0..<infoLength).map { UInt8(truncatingIfNeeded: $0 &* 13) }
                for length in [1, 12, 16, hashLength - 1, hashLength, hashLength + 1, 2 * hashLength + 7, 255 * hashLength] {
                    let ours = info.withUnsafeBytes { expander.expand(info: $0, length: length) }.exportedBytes
                    let theirs: [UInt8] =
                        switch hash {
                        case .sha256: HKDF<SHA256>.expand(pseudoRandomKey: key, info: info, outputByteCount: length).withUnsafeBytes { Array($0) }
                        case .sha384: HKDF<SHA384>.expand(pseudoRandomKey: key, info: info, outputByteCount: length).withUnsafeBytes { Array($0) }
                        case .sha512: HKDF<SHA512>.expand(pseudoRandomKey: key, info: info, outputByteCount: length).withUnsafeBytes { Array($0) }
                        }
                    #expect(ours == theirs, "key \(keyLength) B, info \(infoLength) B, output \(length) B")
                }
            }
        }
    }

    /// A keyed state is reused, never consumed: the same derivation twice gives the same bytes,
    /// and ExpandWithLabel through it equals the public CryptoSuite path.
    @Test func reuseAndLabels() throws {
        let crypto = try CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()
        let secret = Secret(bytes: [UInt8](repeating: 0x42, count: 32))
        let expander = KeyedExpander(crypto.hash, secret: secret)
        let first = expander.deriveTreeSecret(label: "key".utf8, generation: 7, length: 16)
        let second = expander.deriveTreeSecret(label: "key".utf8, generation: 7, length: 16)
        #expect(first == second)
        #expect(first == (try crypto.deriveTreeSecret(secret: secret, label: "key", generation: 7, length: 16)))
        #expect(first != (try crypto.deriveTreeSecret(secret: secret, label: "key", generation: 8, length: 16)))
    }
}
