import Crypto
import Foundation
import WireFormat

/// HKDF-Expand (RFC 5869 §2.3) under one PRK, with HMAC (RFC 2104) keyed once, for the places
/// that derive several values from the same secret per message: a ratchet secret's key, nonce
/// and next secret (RFC 9420 §9.1), the sender-data key and nonce (§6.3.2), and every
/// ExpandWithLabel.
///
/// HMAC is written here over swift-crypto's SHA-2 (whose non-generic `update(bufferPointer:)`
/// is public) rather than with its `HMAC` type: that type's `update(data:)` is generic over
/// `DataProtocol` and not inlinable, and perf showed its runtime generic-metadata lookups
/// costing more than the SHA-256 compressions themselves on the per-message path. Keying pads
/// the key and hashes the inner and outer pad blocks once; each output block then copies the two
/// keyed hash states. Outputs are the same bytes (the secret-tree, key-schedule and message
/// vectors check them).
struct KeyedExpander {
    private enum Keyed {
        case sha256(HMACState<SHA256>)
        case sha384(HMACState<SHA384>)
        case sha512(HMACState<SHA512>)
    }

    private let keyed: Keyed

    /// HMAC keyed with `secret` for `hash`.
    init(_ hash: HashAlgorithm, secret: Secret) {
        self.init(hash, key: secret.symmetricKey)
    }

    init(_ hash: HashAlgorithm, key: SymmetricKey) {
        switch hash {
        case .sha256: keyed = .sha256(HMACState(key: key))
        case .sha384: keyed = .sha384(HMACState(key: key))
        case .sha512: keyed = .sha512(HMACState(key: key))
        }
    }

    /// `ExpandWithLabel(secret, label, context, length)` (RFC 9420 §8):
    /// `KDF.Expand(secret, KDFLabel { uint16 length; opaque label<V> = "MLS 1.0 " + label; opaque context<V> }, length)`.
    /// - Precondition: `length <= 255 * Nh`, `context` and `label` shorter than 2^30 bytes (the
    ///   callers pass fixed labels and short contexts, or check first).
    func expandWithLabel(label: some Collection<UInt8>, context: UnsafeRawBufferPointer, length: Int) -> Secret {
        CryptoSuite.withKDFLabel(length: length, label: label, context: context) { info in expand(info: info, length: length) }
    }

    /// `DeriveTreeSecret(secret, label, generation, length) = ExpandWithLabel(secret, label, uint32 generation, length)` (§9.1).
    func deriveTreeSecret(label: some Collection<UInt8>, generation: UInt32, length: Int) -> Secret {
        withUnsafeBytes(of: generation.bigEndian) { expandWithLabel(label: label, context: $0, length: length) }
    }

    /// `KDF.Expand(secret, info, length)`. - Precondition: `0 <= length <= 255 * Nh`.
    func expand(info: UnsafeRawBufferPointer, length: Int) -> Secret {
        switch keyed {
        case .sha256(let state): state.expand(info: info, length: length)
        case .sha384(let state): state.expand(info: info, length: length)
        case .sha512(let state): state.expand(info: info, length: length)
        }
    }
}

/// HMAC-H keyed with one key (RFC 2104): the hash states after absorbing `K ⊕ ipad` and
/// `K ⊕ opad`, where K is the key (hashed first if longer than a block) zero-padded to the
/// block size. The padded key lives in a stack buffer that is wiped after keying.
struct HMACState<H: HashFunction> {
    private let inner: H
    private let outer: H

    init(key: SymmetricKey) {
        let blockSize = H.blockByteCount
        var inner = H()
        var outer = H()
        withUnsafeTemporaryAllocation(byteCount: blockSize, alignment: 1) { pad in
            for index in 0..<blockSize { pad[index] = 0 }
            key.withUnsafeBytes { keyBytes in
                if keyBytes.count > blockSize {
                    var hasher = H()
                    hasher.update(bufferPointer: keyBytes)
                    hasher.finalize().withUnsafeBytes { pad.copyMemory(from: $0) }
                } else {
                    pad.copyMemory(from: keyBytes)
                }
            }
            for index in 0..<blockSize { pad[index] ^= 0x36 }
            inner.update(bufferPointer: UnsafeRawBufferPointer(pad))
            for index in 0..<blockSize { pad[index] ^= 0x36 ^ 0x5c }
            outer.update(bufferPointer: UnsafeRawBufferPointer(pad))
            memset(pad.baseAddress!, 0, blockSize)  // a non-empty allocation: the base address exists
        }
        self.inner = inner
        self.outer = outer
    }

    /// `HMAC(K, previous || info || counter)`, handing the MAC's bytes to `body`.
    @inline(__always)
    private func mac<R>(
        previous: UnsafeRawBufferPointer, info: UnsafeRawBufferPointer, counter: UInt8, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        var innerHash = inner
        if !previous.isEmpty { innerHash.update(bufferPointer: previous) }
        innerHash.update(bufferPointer: info)
        withUnsafeBytes(of: counter) { innerHash.update(bufferPointer: $0) }
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize().withUnsafeBytes(body)
    }

    /// HKDF-Expand: `T(i) = HMAC(PRK, T(i-1) || info || i)`, the first `length` bytes of T(1) || T(2) || ….
    func expand(info: UnsafeRawBufferPointer, length: Int) -> Secret {
        let hashLength = H.Digest.byteCount
        precondition(length >= 0 && length <= 255 * hashLength, "HKDF output length")
        // One block (every message-key derivation): the secret comes straight from the MAC bytes.
        if length <= hashLength {
            return mac(previous: UnsafeRawBufferPointer(start: nil, count: 0), info: info, counter: 1) { block in
                Secret(bytes: UnsafeRawBufferPointer(rebasing: block.prefix(length)))
            }
        }
        // T(1) || T(2) || … written in place (no copy of a block outside the buffer), wiped after.
        let blocks = (length + hashLength - 1) / hashLength
        var output = [UInt8](repeating: 0, count: blocks * hashLength)
        defer { Zeroize.bytes(&output) }
        output.withUnsafeMutableBytes { bytes in
            for index in 0..<blocks {
                let start = index * hashLength
                let previous = UnsafeRawBufferPointer(rebasing: bytes[(index == 0 ? 0 : start - hashLength)..<start])
                mac(previous: previous, info: info, counter: UInt8(index + 1)) { block in
                    UnsafeMutableRawBufferPointer(rebasing: bytes[start..<(start + hashLength)]).copyMemory(from: block)
                }
            }
        }
        return Secret(bytes: output[..<length])
    }
}

extension CryptoSuite {
    /// Calls `body` with the encoded `KDFLabel { uint16 length; opaque label<V> = "MLS 1.0 " + label;
    /// opaque context<V>; }` (RFC 9420 §8), built in a stack buffer: no heap allocation on the
    /// per-message path.
    /// - Precondition: `label` and `context` are shorter than 2^30 bytes, `length` fits 16 bits.
    static func withKDFLabel<R>(
        length: Int, label: some Collection<UInt8>, context: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        let labelCount = labelPrefix.count + label.count
        let infoCount = 2 + WireWriter.varintLengthSize(labelCount) + labelCount + WireWriter.varintLengthSize(context.count) + context.count
        return withUnsafeTemporaryAllocation(byteCount: infoCount, alignment: 1) { buffer in
            var offset = 0
            func put(_ byte: UInt8) {
                buffer[offset] = byte
                offset += 1
            }
            func putLength(_ length: Int) {
                switch length {
                case 0...0x3f:
                    put(UInt8(length))
                case 0x40...0x3fff:
                    put(0x40 | UInt8(length >> 8))
                    put(UInt8(truncatingIfNeeded: length))
                default:
                    put(0x80 | UInt8(truncatingIfNeeded: length >> 24))
                    put(UInt8(truncatingIfNeeded: length >> 16))
                    put(UInt8(truncatingIfNeeded: length >> 8))
                    put(UInt8(truncatingIfNeeded: length))
                }
            }
            put(UInt8(truncatingIfNeeded: length >> 8))
            put(UInt8(truncatingIfNeeded: length))
            putLength(labelCount)
            for byte in labelPrefix { put(byte) }
            for byte in label { put(byte) }
            putLength(context.count)
            if context.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]).copyMemory(from: context)
            }
            return body(UnsafeRawBufferPointer(buffer))
        }
    }
}
