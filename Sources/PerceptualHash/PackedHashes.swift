/// Hashes packed for matching: four 64-bit limbs per hash, contiguous, 64-byte aligned.
///
/// Each hash occupies 32 bytes at `limbs + 4 * slot` (limb 0 first), so a hash never straddles
/// a cache line: the batched scan streams the buffer front to back, and multi-index hashing
/// verifies a candidate with a single cache-line load. (A structure-of-arrays layout would cost
/// the verification four cache misses instead of one, and the scalar POPCNT scan reads both
/// layouts at the same speed; see docs/known-material-matching.md.)
///
/// Immutable after `init`, hence safe to share across threads.
final class PackedHashes: @unchecked Sendable {
    let count: Int
    let limbs: UnsafeMutablePointer<UInt64>

    init(_ hashes: some Collection<PDQHash>) {
        count = hashes.count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(32, count * 32), alignment: 64)
        limbs = raw.bindMemory(to: UInt64.self, capacity: max(4, count * 4))
        var offset = 0
        for hash in hashes {
            limbs[offset] = hash.limbs.0
            limbs[offset + 1] = hash.limbs.1
            limbs[offset + 2] = hash.limbs.2
            limbs[offset + 3] = hash.limbs.3
            offset += 4
        }
    }

    deinit {
        limbs.deallocate()
    }

    /// The hash in `slot`.
    @inline(__always)
    subscript(slot: Int) -> PDQHash {
        let base = limbs + 4 * slot
        return PDQHash(limbs: (base[0], base[1], base[2], base[3]))
    }

    /// Bytes held: 32 per hash.
    var byteCount: Int { count * 32 }
}
