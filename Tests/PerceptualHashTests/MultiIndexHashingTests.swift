import Testing

@testable import PerceptualHash

/// The pieces of multi-index hashing: layout, substring extraction, neighbour enumeration, radii.
@Suite struct MultiIndexHashingTests {
    @Test(arguments: 11...32)
    func layoutPartitionsTheBits(substrings m: Int) {
        let layout = MultiIndexTables.layout(substringCount: m)
        #expect(layout.count == m)
        #expect(layout.first?.start == 0)
        #expect(layout.reduce(0) { $0 + $1.bits } == 256)
        for (a, b) in zip(layout, layout.dropFirst()) { #expect(a.start + a.bits == b.start) }
        #expect(layout.allSatisfy { $0.bits == 256 / m || $0.bits == 256 / m + 1 })
    }

    @Test(arguments: [11, 14, 16, 21, 32])
    func keysReadTheRightBits(substrings m: Int) {
        var generator = SeededGenerator(seed: UInt64(m))
        for _ in 0..<50 {
            let hash = PDQHash.random(using: &generator)
            withUnsafePointer(to: hash.limbs) { tuple in
                tuple.withMemoryRebound(to: UInt64.self, capacity: 4) { limbs in
                    for substring in MultiIndexTables.layout(substringCount: m) {
                        var expected = 0
                        for bit in 0..<substring.bits where hash[bit: substring.start + bit] { expected |= 1 << bit }
                        #expect(MultiIndexTables.key(limbs, substring) == expected)
                    }
                }
            }
        }
    }

    @Test(arguments: [(8, 0), (8, 1), (8, 3), (8, 8), (8, 20), (13, 2), (16, 1), (5, 4)])
    func neighboursAreEnumeratedOnceEach(bits: Int, radius: Int) {
        let center = 0b1011 & ((1 << bits) - 1)
        var seen = [Int]()
        MultiIndexTables.forEachNeighbour(of: center, bits: bits, radius: radius) { seen.append($0) }
        let expected = (0..<(1 << bits)).filter { ($0 ^ center).nonzeroBitCount <= radius }
        #expect(seen.sorted() == expected)
        #expect(seen.count == MultiIndexTables.neighbourCount(bits: bits, radius: radius))
    }

    /// The pigeonhole bound behind exactness: radii chosen for t leave no distance-≤t pair unfound.
    @Test(arguments: [11, 16, 21, 32], [0, 1, 15, 16, 31, 32, 63, 100])
    func radiiSatisfyThePigeonholeBound(substrings m: Int, maxDistance: Int) {
        let layout = MultiIndexTables.layout(substringCount: m)
        let radii = MultiIndexTables.radii(substrings: layout, count: 1_000_000, maxDistance: maxDistance)
        // A pair escapes only if every substring differs by more than its radius:
        // the smallest such total distance must exceed the threshold.
        #expect(radii.reduce(0) { $0 + $1 + 1 } == maxDistance + 1)
        #expect(radii.allSatisfy { $0 == maxDistance / m || $0 == maxDistance / m - 1 })
    }

    @Test func substringCountFollowsBankSize() {
        #expect(MultiIndexTables.bestSubstringCount(count: 1_000_000, maxDistance: 31) >= 14)
        let large = MultiIndexTables.bestSubstringCount(count: 10_000_000, maxDistance: 31)
        let layout = MultiIndexTables.layout(substringCount: large)
        let offsetBytes = layout.map { ((1 << $0.bits) + 1) * 4 }.reduce(0, +)
        #expect(offsetBytes <= 160_000_000, "offset tables stay within 16 bytes per hash")
    }
}
