/// SHAKE256 (FIPS 202 §6.2), the extendable-output function the post-quantum HPKE KEMs use for
/// DeriveKeyPair (draft-ietf-hpke-pq, `SHAKE256.LabeledDerive`). swift-crypto uses SHAKE
/// internally but does not expose it.
///
/// A sponge: ``absorb(_:)`` input, then ``squeeze(count:)`` output. Keccak-f[1600] over 25
/// little-endian lanes, rate 136 bytes, domain suffix 0x1F. Not a hot path (one call per derived
/// key pair), so written for clarity.
///
/// Review L5: the input is key material (DeriveKeyPair's ikm, a path or init secret), and the
/// sponge state, the partial input block and Keccak's scratch lanes all hold values derived from
/// it. ``wipe()`` zeroes every one of them; ``hash(_:outputByteCount:)`` wipes before returning.
struct SHAKE256 {
    static let rate = 136

    /// The 25 lanes of the Keccak state.
    private(set) var lanes = [UInt64](repeating: 0, count: 25)
    /// Input bytes not yet absorbed (fewer than a block), then the squeeze position.
    private var block = [UInt8](repeating: 0, count: SHAKE256.rate)
    private var blockCount = 0
    private var squeezing = false
    /// Keccak-f's B and C arrays, kept here so they are allocated once and wiped with the rest.
    private var scratch = [UInt64](repeating: 0, count: 30)

    init() {}

    /// Absorbs `input`. - Precondition: nothing was squeezed yet.
    mutating func absorb(_ input: some Collection<UInt8>) {
        precondition(!squeezing, "SHAKE256: absorb after squeeze")
        for byte in input {
            block[blockCount] = byte
            blockCount += 1
            if blockCount == Self.rate {
                absorbBlock()
                blockCount = 0
            }
        }
    }

    /// The next `count` bytes of output (pads and switches to squeezing on the first call).
    mutating func squeeze(count: Int) -> [UInt8] {
        if !squeezing {
            // pad10*1 with the SHAKE domain bits 1111: 0x1F after the message, 0x80 at the block's end.
            for index in blockCount..<Self.rate { block[index] = 0 }
            block[blockCount] ^= 0x1f
            block[Self.rate - 1] ^= 0x80
            absorbBlock()
            squeezing = true
            blockCount = 0  // bytes of the current output block already handed out
        }
        var output: [UInt8] = []
        output.reserveCapacity(count)
        while output.count < count {
            if blockCount == Self.rate {
                permute()
                blockCount = 0
            }
            output.append(UInt8(truncatingIfNeeded: lanes[blockCount / 8] >> UInt64(8 * (blockCount % 8))))
            blockCount += 1
        }
        return output
    }

    /// Zeroes the state, the buffered input and Keccak's scratch lanes; the sponge is then back at
    /// its initial state (ready to absorb again).
    mutating func wipe() {
        Zeroize.words(&lanes)
        Zeroize.bytes(&block)
        Zeroize.words(&scratch)
        blockCount = 0
        squeezing = false
    }

    /// Whether no state, buffered input or scratch value is left (for tests).
    var isWiped: Bool {
        lanes.allSatisfy { $0 == 0 } && block.allSatisfy { $0 == 0 } && scratch.allSatisfy { $0 == 0 } && blockCount == 0
    }

    /// `outputByteCount` bytes of SHAKE256(`input`), with the sponge wiped afterwards.
    static func hash(_ input: [UInt8], outputByteCount: Int) -> [UInt8] {
        var sponge = SHAKE256()
        defer { sponge.wipe() }
        sponge.absorb(input)
        return sponge.squeeze(count: outputByteCount)
    }

    private mutating func absorbBlock() {
        for lane in 0..<(Self.rate / 8) {
            var value: UInt64 = 0
            for byte in 0..<8 {
                value |= UInt64(block[lane * 8 + byte]) << UInt64(8 * byte)
            }
            lanes[lane] ^= value
        }
        permute()
    }

    private mutating func permute() {
        Self.keccakF1600(&lanes, scratch: &scratch)
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

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι (FIPS 202 §3.3). `scratch` holds B (0..<25)
    /// and C (25..<30).
    static func keccakF1600(_ a: inout [UInt64], scratch s: inout [UInt64]) {
        for round in 0..<24 {
            for x in 0..<5 { s[25 + x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] }
            for x in 0..<5 {
                let d = s[25 + (x + 4) % 5] ^ rotl(s[25 + (x + 1) % 5], 1)
                for y in 0..<5 { a[x + 5 * y] ^= d }
            }
            // ρ and π: B[y, 2x + 3y] = rot(A[x, y], r[x, y]).
            for x in 0..<5 {
                for y in 0..<5 {
                    s[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rotations[x + 5 * y])
                }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    a[x + 5 * y] = s[x + 5 * y] ^ (~s[(x + 1) % 5 + 5 * y] & s[(x + 2) % 5 + 5 * y])
                }
            }
            a[0] ^= roundConstants[round]
        }
    }
}
