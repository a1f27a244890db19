/// Multi-index hashing over the packed hashes: exact search within a Hamming radius.
///
/// Norouzi, Punjani and Fleet, "Fast Search in Hamming Space with Multi-Index Hashing" (CVPR 2012).
/// The 256 bits are cut into `m` disjoint substrings. If two hashes are within distance `t`,
/// write `t = q·m + a` (0 ≤ a < m): then some substring among any chosen `a + 1` of them differs
/// by at most `q` bits, or some substring among the other `m − a − 1` differs by at most `q − 1`
/// (otherwise the distance would be at least `(a+1)(q+1) + (m−a−1)q = t + 1`). So probing every
/// substring value within those radii finds every true match; each candidate is then verified
/// with the full distance, which removes every false positive. Exact by construction.
///
/// Each substring has a table in compressed-sparse-row form: `offsets[value] ..< offsets[value+1]`
/// is the range of `slots` (ascending) whose substring equals `value`. No dictionaries, no
/// per-bucket arrays: two flat `UInt32` buffers per substring.
///
/// Immutable after `init`, hence safe to share across threads.
final class MultiIndexTables: @unchecked Sendable {
    /// A run of `bits` bits of the hash starting at bit `start` (spec §10 bit numbering).
    struct Substring: Hashable, Sendable {
        var start: Int
        var bits: Int
    }

    let substrings: [Substring]
    /// Number of hashes indexed.
    let count: Int
    private let offsets: [UnsafeMutablePointer<UInt32>]
    private let slotLists: [UnsafeMutablePointer<UInt32>]

    /// The substring counts the tables support: substrings of 8 to 25 bits.
    static let supportedSubstringCounts = 11...32

    /// Builds the tables for `hashes` with `substringCount` substrings (one table per substring,
    /// built in parallel on up to `threadCount` threads).
    init(hashes: PackedHashes, substringCount: Int, threadCount: Int) {
        precondition(Self.supportedSubstringCounts.contains(substringCount), "unsupported substring count")
        precondition(hashes.count < Int(UInt32.max), "too many hashes for 32-bit slots")
        let substrings = Self.layout(substringCount: substringCount)
        self.substrings = substrings
        count = hashes.count
        offsets = substrings.map { UnsafeMutablePointer<UInt32>.allocate(capacity: (1 << $0.bits) + 1) }
        slotLists = substrings.map { _ in UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, hashes.count)) }
        Parallel.forEach(substrings.count, threadCount: threadCount) { [self] index in
            Self.buildTable(hashes: hashes, count: count, substring: substrings[index], offsets: offsets[index], slots: slotLists[index])
        }
    }

    deinit {
        for pointer in offsets { pointer.deallocate() }
        for pointer in slotLists { pointer.deallocate() }
    }

    /// Counting sort of the slots by substring value: offsets, then stable fill.
    private static func buildTable(
        hashes: PackedHashes,
        count: Int,
        substring: Substring,
        offsets: UnsafeMutablePointer<UInt32>,
        slots: UnsafeMutablePointer<UInt32>
    ) {
        let buckets = 1 << substring.bits
        offsets.initialize(repeating: 0, count: buckets + 1)
        for slot in 0..<count {
            offsets[key(hashes.limbs + 4 * slot, substring) + 1] &+= 1
        }
        for value in 0..<buckets {
            offsets[value + 1] &+= offsets[value]
        }
        let cursor = UnsafeMutablePointer<UInt32>.allocate(capacity: buckets)
        defer { cursor.deallocate() }
        cursor.initialize(from: offsets, count: buckets)
        for slot in 0..<count {
            let value = key(hashes.limbs + 4 * slot, substring)
            slots[Int(cursor[value])] = UInt32(truncatingIfNeeded: slot)
            cursor[value] &+= 1
        }
    }

    /// `m` substrings covering bits 0...255 in order; the first `256 % m` are one bit longer.
    static func layout(substringCount m: Int) -> [Substring] {
        var result = [Substring]()
        var start = 0
        for index in 0..<m {
            let bits = 256 / m + (index < 256 % m ? 1 : 0)
            result.append(Substring(start: start, bits: bits))
            start += bits
        }
        return result
    }

    /// The value of `substring` in the hash whose limbs start at `limbs`.
    @inline(__always)
    static func key(_ limbs: UnsafePointer<UInt64>, _ substring: Substring) -> Int {
        let limbIndex = substring.start >> 6
        let shift = substring.start & 63
        var value = limbs[limbIndex] >> UInt64(shift)
        if shift + substring.bits > 64 {
            value |= limbs[limbIndex + 1] << UInt64(64 - shift)
        }
        return Int(truncatingIfNeeded: value & ((1 << UInt64(substring.bits)) - 1))
    }

    /// Bytes held by the tables: offsets plus one `UInt32` slot per hash per substring.
    var byteCount: Int {
        substrings.reduce(0) { $0 + ((1 << $1.bits) + 1) * 4 + count * 4 }
    }

    // MARK: Search plan

    /// The probing radius per substring for `maxDistance` (−1: that substring is not probed),
    /// chosen by the pigeonhole rule above. The `a + 1` substrings probed at the larger radius
    /// are those where it costs least (expected lookups plus candidates on uniform data).
    func radii(maxDistance: Int) -> [Int] {
        Self.radii(substrings: substrings, count: count, maxDistance: maxDistance)
    }

    static func radii(substrings: [Substring], count: Int, maxDistance: Int) -> [Int] {
        let m = substrings.count
        let q = maxDistance / m
        let a = maxDistance % m
        let extra = substrings.indices.map { index in
            expectedCost(bits: substrings[index].bits, radius: q, count: count)
                - expectedCost(bits: substrings[index].bits, radius: q - 1, count: count)
        }
        let cheapest = substrings.indices.sorted { (extra[$0], $0) < (extra[$1], $1) }.prefix(a + 1)
        var radii = Array(repeating: q - 1, count: m)
        for index in cheapest { radii[index] = q }
        return radii
    }

    /// Expected work to probe one `bits`-bit substring at `radius` on uniform data:
    /// the buckets looked up plus the candidates they hold.
    static func expectedCost(bits: Int, radius: Int, count: Int) -> Double {
        guard radius >= 0 else { return 0 }
        let lookups = Double(neighbourCount(bits: bits, radius: radius))
        return lookups * (1 + Double(count) / Double(1 << bits))
    }

    /// Expected work per probe for `maxDistance`: the sum over substrings of `expectedCost`.
    func expectedCost(maxDistance: Int) -> Double {
        let radii = radii(maxDistance: maxDistance)
        return zip(substrings, radii).reduce(0) { $0 + Self.expectedCost(bits: $1.0.bits, radius: $1.1, count: count) }
    }

    /// Σ_{d ≤ radius} C(bits, d): values within `radius` of a `bits`-bit value.
    static func neighbourCount(bits: Int, radius: Int) -> Int {
        guard radius >= 0 else { return 0 }
        var total = 0
        var binomial = 1
        for d in 0...min(radius, bits) {
            total += binomial
            binomial = binomial * (bits - d) / (d + 1)
        }
        return total
    }

    /// The substring count with the least expected work at `maxDistance` for `count` hashes,
    /// among those whose offset tables fit in `max(8 MiB, 16 bytes × count)`.
    static func bestSubstringCount(count: Int, maxDistance: Int) -> Int {
        let budget = max(8 << 20, 16 * count)
        var best: (cost: Double, m: Int)?
        for m in supportedSubstringCounts {
            let layout = layout(substringCount: m)
            let offsetBytes = layout.reduce(0) { $0 + ((1 << $1.bits) + 1) * 4 }
            guard offsetBytes <= budget else { continue }
            let radii = radii(substrings: layout, count: count, maxDistance: maxDistance)
            let cost = zip(layout, radii).reduce(0) { $0 + expectedCost(bits: $1.0.bits, radius: $1.1, count: count) }
            if best == nil || cost < best!.cost { best = (cost, m) }
        }
        return best?.m ?? supportedSubstringCounts.upperBound
    }

    // MARK: Search

    /// Appends to `hits` every slot within `maxDistance` of `probe`, once each.
    ///
    /// `scratch` is reused between calls to avoid allocation.
    func search(
        probe: PDQHash,
        probeIndex: UInt32,
        radii: [Int],
        hashes: PackedHashes,
        maxDistance: Int,
        into hits: inout [RawHit],
        scratch: inout [RawHit]
    ) {
        scratch.removeAll(keepingCapacity: true)
        let query = probe.limbs
        withUnsafePointer(to: probe.limbs) { tuple in
            tuple.withMemoryRebound(to: UInt64.self, capacity: 4) { queryLimbs in
                for (index, substring) in substrings.enumerated() where radii[index] >= 0 {
                    let center = Self.key(queryLimbs, substring)
                    let offsets = self.offsets[index]
                    let slots = self.slotLists[index]
                    Self.forEachNeighbour(of: center, bits: substring.bits, radius: radii[index]) { value in
                        let end = Int(offsets[value + 1])
                        var position = Int(offsets[value])
                        while position < end {
                            let slot = Int(slots[position])
                            let pointer = hashes.limbs + 4 * slot
                            let distance =
                                (pointer[0] ^ query.0).nonzeroBitCount &+ (pointer[1] ^ query.1).nonzeroBitCount
                                &+ (pointer[2] ^ query.2).nonzeroBitCount &+ (pointer[3] ^ query.3).nonzeroBitCount
                            if distance <= maxDistance {
                                scratch.append(RawHit(probe: probeIndex, slot: UInt32(truncatingIfNeeded: slot), distance: UInt16(distance)))
                            }
                            position += 1
                        }
                    }
                }
            }
        }
        // A true match is usually found through several substrings: keep each slot once.
        if scratch.count > 1 {
            scratch.sort { $0.slot < $1.slot }
            var previous: UInt32?
            for hit in scratch where hit.slot != previous {
                hits.append(hit)
                previous = hit.slot
            }
        } else {
            hits.append(contentsOf: scratch)
        }
    }

    /// Calls `body` with every `bits`-bit value within Hamming distance `radius` of `center`
    /// (each exactly once), enumerating the flip masks of each weight with Gosper's hack.
    @inline(__always)
    static func forEachNeighbour(of center: Int, bits: Int, radius: Int, _ body: (Int) -> Void) {
        let limit = 1 << bits
        for weight in 0...min(radius, bits) {
            var mask = (1 << weight) - 1
            while mask < limit {
                body(center ^ mask)
                if mask == 0 { break }
                let lowest = mask & -mask
                let ripple = mask + lowest
                mask = (((ripple ^ mask) >> 2) / lowest) | ripple
            }
        }
    }
}
