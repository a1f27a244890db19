import Crypto
import Foundation

/// `DeriveKeyPair(ikm)` for each KEM (swift-crypto does not expose it), and `Decap` for checking
/// derived keys against published vectors.
extension HPKEKEM {
    /// `DeriveKeyPair(ikm)`: the deterministic key pair MLS derives from node and init secrets
    /// (RFC 9420 §4, §8; `DeriveKeyPair` of the suite's KEM).
    ///
    /// - DHKEM(X25519): RFC 9180 §7.1.3, `sk = LabeledExpand(dkp_prk, "sk", "", Nsk)`.
    /// - DHKEM(P-256/384/521): RFC 9180 §7.1.3, candidates `LabeledExpand(dkp_prk, "candidate",
    ///   I2OSP(counter, 1), Nsk)` with the top byte masked (0xFF, or 0x01 for P-521) until one is a
    ///   valid scalar (non-zero, below the group order).
    /// - X-Wing (0x647a): draft-ietf-hpke-pq §5, `seed = SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32)`,
    ///   then the X-Wing key pair of that seed. (The X-Wing draft's own "Use in HPKE" section uses a
    ///   plain `SHAKE256(ikm, 32)`; the MLS PQ cipher-suite draft references draft-ietf-hpke-pq, and
    ///   the hpke-pq vectors confirm the labeled form.)
    public func deriveKeyPair(ikm: [UInt8]) throws(MLSCryptoError) -> HPKEPrivateKey {
        switch self {
        case .dhkemX25519:
            var sk = try dkpPRKExpand(ikm: ikm, label: "sk", info: [])
            defer { Zeroize.bytes(&sk) }
            return try HPKEPrivateKey(kem: self, serialized: sk)
        case .dhkemP256, .dhkemP384, .dhkemP521:
            let prk = labeledExtract(salt: [], label: "dkp_prk", ikm: ikm)
            let bitmask: UInt8 = self == .dhkemP521 ? 0x01 : 0xff
            for counter in 0...255 {
                var candidate = try labeledExpand(prk: prk, label: "candidate", info: [UInt8(counter)], length: privateKeyByteCount)
                defer { Zeroize.bytes(&candidate) }
                candidate[0] &= bitmask
                if isValidScalar(candidate) {
                    return try HPKEPrivateKey(kem: self, serialized: candidate)
                }
            }
            throw .deriveKeyPairFailed
        case .xwing:
            var labeled = ikm
            defer { Zeroize.bytes(&labeled) }
            labeled += Array("HPKE-v1".utf8) + suiteID
            let label = Array("DeriveKeyPair".utf8)
            labeled += [UInt8(label.count >> 8), UInt8(label.count & 0xff)] + label
            labeled += [0x00, 0x20]  // I2OSP(L = 32, 2); the context is empty
            var seed = SHAKE256.hash(labeled, outputByteCount: 32)
            defer { Zeroize.bytes(&seed) }
            return try HPKEPrivateKey(kem: self, serialized: seed)
        }
    }

    /// `Decap(enc, skR)`: the KEM shared secret (RFC 9180 §4.1 DHKEM; X-Wing Decapsulate).
    public func decapsulate(enc: [UInt8], privateKey: HPKEPrivateKey) throws(MLSCryptoError) -> Secret {
        guard privateKey.kem == self else { throw .invalidPrivateKey }
        do {
            let dh: SharedSecret
            switch privateKey.storage {
            case .xwing(let key):
                return Secret(try key.decapsulate(Data(enc)))
            case .x25519(let key):
                dh = try key.sharedSecretFromKeyAgreement(with: .init(rawRepresentation: enc))
            case .p256(let key):
                dh = try key.sharedSecretFromKeyAgreement(with: .init(x963Representation: enc))
            case .p384(let key):
                dh = try key.sharedSecretFromKeyAgreement(with: .init(x963Representation: enc))
            case .p521(let key):
                dh = try key.sharedSecretFromKeyAgreement(with: .init(x963Representation: enc))
            }
            // ExtractAndExpand(dh, kem_context = enc || pkRm).
            let prk = dh.withUnsafeBytes { labeledExtract(salt: [], label: "eae_prk", ikm: Array($0)) }
            var secret = try labeledExpand(
                prk: prk, label: "shared_secret", info: enc + privateKey.publicKey, length: sharedSecretByteCount)
            defer { Zeroize.bytes(&secret) }
            return Secret(bytes: secret)
        } catch let error as MLSCryptoError {
            throw error
        } catch {
            throw .decryptionFailed
        }
    }

    // MARK: RFC 9180 §4 labeled KDF with the KEM's suite_id

    private func labeledExtract(salt: [UInt8], label: String, ikm: [UInt8]) -> SymmetricKey {
        var labeled = Array("HPKE-v1".utf8) + suiteID + Array(label.utf8) + ikm
        defer { Zeroize.bytes(&labeled) }
        return CryptoSuite.extract(dhkemHash, salt: salt, ikm: SymmetricKey(data: labeled)).symmetricKey
    }

    private func labeledExpand(prk: SymmetricKey, label: String, info: [UInt8], length: Int) throws(MLSCryptoError) -> [UInt8] {
        let labeledInfo = [UInt8(length >> 8), UInt8(length & 0xff)] + Array("HPKE-v1".utf8) + suiteID + Array(label.utf8) + info
        return try CryptoSuite.expand(dhkemHash, prk: prk, info: labeledInfo, length: length).exportedBytes
    }

    private func dkpPRKExpand(ikm: [UInt8], label: String, info: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        let prk = labeledExtract(salt: [], label: "dkp_prk", ikm: ikm)
        return try labeledExpand(prk: prk, label: label, info: info, length: privateKeyByteCount)
    }

    /// Whether the big-endian `candidate` is in [1, n - 1] for the curve order n.
    private func isValidScalar(_ candidate: [UInt8]) -> Bool {
        let order: [UInt8]
        switch self {
        case .dhkemP256: order = Self.p256Order
        case .dhkemP384: order = Self.p384Order
        case .dhkemP521: order = Self.p521Order
        default: return false
        }
        return Self.isScalar(candidate, inRangeBelow: order)
    }

    /// Whether the big-endian `candidate` is non-zero and below the big-endian `order`, in time
    /// that depends only on the length (review L5: the candidate is a private key; the earlier
    /// version returned at the first differing byte). Computes the borrow out of
    /// `candidate - order` over every byte, and ORs every byte for the non-zero check.
    static func isScalar(_ candidate: [UInt8], inRangeBelow order: [UInt8]) -> Bool {
        guard candidate.count == order.count else { return false }
        var borrow: UInt16 = 0
        var any: UInt8 = 0
        var index = candidate.count
        while index > 0 {
            index -= 1
            let difference = UInt16(candidate[index]) &- UInt16(order[index]) &- borrow
            borrow = (difference >> 8) & 1
            any |= candidate[index]
        }
        // Both are 0 or 1: combine without a data-dependent branch.
        let nonZero = (UInt16(any) &+ 0xff) >> 8
        return (borrow & nonZero) == 1
    }

    // Group orders (SEC 2 / FIPS 186-5), big-endian, Nsk bytes long.
    static let p256Order: [UInt8] = hexBytes(
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
    static let p384Order: [UInt8] = hexBytes(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973")
    static let p521Order: [UInt8] = hexBytes(
        "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409"
    )

    private static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) ?? 0
        }
    }
}

/// Best-effort wiping of temporary buffers that held secrets.
enum Zeroize {
    static func bytes(_ buffer: inout [UInt8]) {
        buffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            memset(base, 0, raw.count)
        }
    }

    static func words(_ buffer: inout [UInt64]) {
        buffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            memset(base, 0, raw.count)
        }
    }
}
