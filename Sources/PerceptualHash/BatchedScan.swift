/// One raw hit of a probe (a query hash or one of its dihedral variants) against a slot.
struct RawHit: Hashable, Sendable {
    var probe: UInt32
    var slot: UInt32
    var distance: UInt16
}

/// The batched linear scan: every probe of a batch against every hash, exact.
///
/// The bank is walked in chunks small enough to stay in the core's L2 cache; each chunk is
/// compared with every probe of the batch before moving on, so each cache line fetched from
/// memory serves the whole batch instead of one query. The distance is four XORs and four
/// POPCNTs (PDQ spec §11) with no branches except the rarely taken match test.
enum BatchedScan {
    /// Hashes per chunk: 2048 × 32 bytes = 64 KiB, well inside L2 and streamed from L1/L2 per probe.
    static let chunkSlots = 2048

    /// Appends to `hits` every (probe, slot) with distance ≤ `maxDistance`, for slots in `slots`.
    ///
    /// `probes` holds four limbs per probe (limb 0 first).
    static func scan(
        _ hashes: PackedHashes,
        slots: Range<Int>,
        probes: UnsafeBufferPointer<UInt64>,
        maxDistance: Int,
        into hits: inout [RawHit]
    ) {
        let probeCount = probes.count / 4
        guard probeCount > 0, !slots.isEmpty, let probeBase = probes.baseAddress else { return }
        var chunkStart = slots.lowerBound
        while chunkStart < slots.upperBound {
            let chunkEnd = min(chunkStart + chunkSlots, slots.upperBound)
            for probe in 0..<probeCount {
                let q = probeBase + 4 * probe
                scanChunk(
                    hashes.limbs + 4 * chunkStart,
                    firstSlot: chunkStart,
                    count: chunkEnd - chunkStart,
                    query: (q[0], q[1], q[2], q[3]),
                    probe: UInt32(truncatingIfNeeded: probe),
                    maxDistance: maxDistance,
                    into: &hits
                )
            }
            chunkStart = chunkEnd
        }
    }

    /// The hot loop: one probe against `count` consecutive hashes.
    @inline(__always)
    static func scanChunk(
        _ start: UnsafePointer<UInt64>,
        firstSlot: Int,
        count: Int,
        query: (UInt64, UInt64, UInt64, UInt64),
        probe: UInt32,
        maxDistance: Int,
        into hits: inout [RawHit]
    ) {
        var pointer = start
        for index in 0..<count {
            let distance =
                (pointer[0] ^ query.0).nonzeroBitCount &+ (pointer[1] ^ query.1).nonzeroBitCount
                &+ (pointer[2] ^ query.2).nonzeroBitCount &+ (pointer[3] ^ query.3).nonzeroBitCount
            if distance <= maxDistance {
                hits.append(RawHit(probe: probe, slot: UInt32(truncatingIfNeeded: firstSlot &+ index), distance: UInt16(truncatingIfNeeded: distance)))
            }
            pointer += 4
        }
    }
}
