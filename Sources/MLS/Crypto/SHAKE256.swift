/// SHAKE256 (FIPS 202 §6.2), the extendable-output function the post-quantum HPKE KEMs use for
/// DeriveKeyPair (draft-ietf-hpke-pq, `SHAKE256.LabeledDerive`). swift-crypto uses SHAKE
/// internally but does not expose it.
///
/// Not a hot path (one call per derived key pair), so written for clarity: Keccak-f[1600] over
/// 25 little-endian lanes, rate 136 bytes, domain suffix 0x1F.
enum SHAKE256 {
    static let rate = 136

    /// `outputByteCount` bytes of SHAKE256(`input`).
    static func hash(_ input: [UInt8], outputByteCount: Int) -> [UInt8] {
        var state = [UInt64](repeating: 0, count: 25)
        // Absorb: full blocks, then the final padded block.
        var offset = 0
        while input.count - offset >= rate {
            absorb(input[offset..<(offset + rate)], into: &state)
            keccakF1600(&state)
            offset += rate
        }
        var last = [UInt8](repeating: 0, count: rate)
        let tail = input.count - offset
        for index in 0..<tail { last[index] = input[offset + index] }
        last[tail] ^= 0x1f
        last[rate - 1] ^= 0x80
        absorb(last[...], into: &state)
        keccakF1600(&state)
        // Squeeze.
        var output: [UInt8] = []
        output.reserveCapacity(outputByteCount)
        while true {
            for index in 0..<rate {
                if output.count == outputByteCount { return output }
                output.append(UInt8(truncatingIfNeeded: state[index / 8] >> UInt64(8 * (index % 8))))
            }
            keccakF1600(&state)
        }
    }

    private static func absorb(_ block: ArraySlice<UInt8>, into state: inout [UInt64]) {
        let base = block.startIndex
        for lane in 0..<(rate / 8) {
            var value: UInt64 = 0
            for byte in 0..<8 {
                value |= UInt64(block[base + lane * 8 + byte]) << UInt64(8 * byte)
            }
            state[lane] ^= value
        }
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Rotation offsets r[x, y], indexed x + 5y (FIPS 202 §3.2.2).
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
    ]

    @inline(__always)
    private static func rotl(_ value: UInt64, _ shift: UInt64) -> UInt64 {
        shift == 0 ? value : (value << shift) | (value >> (64 - shift))
    }

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι (FIPS 202 §3.3).
    static func keccakF1600(_ a: inout [UInt64]) {
        var b = [UInt64](repeating: 0, count: 25)
        var c = [UInt64](repeating: 0, count: 5)
        for round in 0..<24 {
            for x in 0..<5 { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1)
                for y in 0..<5 { a[x + 5 * y] ^= d }
            }
            // ρ and π: B[y, 2x + 3y] = rot(A[x, y], r[x, y]).
            for x in 0..<5 {
                for y in 0..<5 {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rotations[x + 5 * y])
                }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y])
                }
            }
            a[0] ^= roundConstants[round]
        }
    }
}
