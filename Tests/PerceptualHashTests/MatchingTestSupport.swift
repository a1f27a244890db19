@testable import PerceptualHash

/// SplitMix64: a small seeded generator so every random test is reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension PDQHash {
    static func random(using generator: inout SeededGenerator) -> PDQHash {
        PDQHash(limbs: (generator.next(), generator.next(), generator.next(), generator.next()))
    }

    /// This hash with `count` distinct random bits flipped.
    func flipping(_ count: Int, using generator: inout SeededGenerator) -> PDQHash {
        var result = self
        for bit in Array(0..<256).shuffled(using: &generator).prefix(count) {
            result[bit: bit].toggle()
        }
        return result
    }
}

/// The definition of the result, written as plainly as possible: every query hash against
/// every entry, smallest distance per (query, entry), first variant on ties.
func linearScanReference(entries: [PDQHash], queries: [MatchQuery], maxDistance: Int, minimumQuality: Int = 50) -> [MatchIndex.Match] {
    var result = [MatchIndex.Match]()
    for (queryIndex, query) in queries.enumerated() {
        if let quality = query.quality, quality < minimumQuality { continue }
        for (entryIndex, entry) in entries.enumerated() {
            var best: (distance: Int, variant: Int)?
            for (variant, hash) in query.hashes.enumerated() {
                let distance = hash.distance(to: entry)
                if distance <= maxDistance, best == nil || distance < best!.distance {
                    best = (distance, variant)
                }
            }
            if let best {
                result.append(MatchIndex.Match(query: queryIndex, entry: entryIndex, distance: best.distance, variant: best.variant))
            }
        }
    }
    return result
}

/// A bank shaped like real lists: clusters of near-duplicates (members 0–20 bits from a random
/// centre) plus unrelated noise entries.
func clusteredBank(clusters: Int, membersPerCluster: ClosedRange<Int>, noise: Int, using generator: inout SeededGenerator) -> [PDQHash] {
    var bank = [PDQHash]()
    for _ in 0..<clusters {
        let centre = PDQHash.random(using: &generator)
        for _ in 0..<Int.random(in: membersPerCluster, using: &generator) {
            bank.append(centre.flipping(Int.random(in: 0...20, using: &generator), using: &generator))
        }
    }
    for _ in 0..<noise { bank.append(.random(using: &generator)) }
    return bank.shuffled(using: &generator)
}
