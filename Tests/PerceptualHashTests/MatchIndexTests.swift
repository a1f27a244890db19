import Testing

@testable import PerceptualHash

/// The match index against a plain linear scan: same set of (query, entry, distance, variant).
@Suite struct MatchIndexTests {
    /// Index shapes under test: scan only, automatic, and multi-index hashing forced with
    /// substring layouts that do (14, 21) and do not (16, 32) straddle 64-bit limbs.
    static let shapes: [(name: String, strategy: MatchIndex.Strategy, substrings: Int?)] = [
        ("scan", .linearScan, nil),
        ("automatic", .automatic, nil),
        ("mih-14", .multiIndex, 14),
        ("mih-16", .multiIndex, 16),
        ("mih-21", .multiIndex, 21),
        ("mih-32", .multiIndex, 32),
    ]

    static func index(_ hashes: [PDQHash], shape: Int, threads: Int = 2) -> MatchIndex {
        var configuration = MatchIndex.Configuration()
        configuration.strategy = shapes[shape].strategy
        configuration.substringCount = shapes[shape].substrings
        configuration.threadCount = threads
        return MatchIndex(hashes: hashes, configuration: configuration)
    }

    /// Queries: random hashes, and bank entries with k random bits flipped for k in 0...40.
    static func queries(for bank: [PDQHash], using generator: inout SeededGenerator) -> [MatchQuery] {
        var queries = (0..<20).map { _ in MatchQuery(.random(using: &generator)) }
        for k in 0...40 {
            let base = bank.randomElement(using: &generator)!
            queries.append(MatchQuery(base.flipping(k, using: &generator)))
        }
        return queries.shuffled(using: &generator)
    }

    @Test(arguments: 0..<shapes.count, [0, 1, 15, 31, 32, 47])
    func randomBankEqualsLinearScan(shape: Int, maxDistance: Int) {
        var generator = SeededGenerator(seed: 0x5EED_0001 &+ UInt64(maxDistance))
        let bank = (0..<3000).map { _ in PDQHash.random(using: &generator) }
        let queries = Self.queries(for: bank, using: &generator)
        let index = Self.index(bank, shape: shape)
        let expected = linearScanReference(entries: bank, queries: queries, maxDistance: maxDistance)
        let results = index.matches(for: queries, maxDistance: maxDistance)
        #expect(results.matches == expected, "shape \(Self.shapes[shape].name), threshold \(maxDistance)")
        #expect(!expected.isEmpty, "the perturbed queries must produce matches to compare")
    }

    @Test(arguments: 0..<shapes.count, [0, 31, 32, 64])
    func clusteredBankEqualsLinearScan(shape: Int, maxDistance: Int) {
        var generator = SeededGenerator(seed: 0xC1_05E5 &+ UInt64(maxDistance))
        let bank = clusteredBank(clusters: 150, membersPerCluster: 1...30, noise: 1000, using: &generator)
        let queries = Self.queries(for: bank, using: &generator)
        let index = Self.index(bank, shape: shape)
        let expected = linearScanReference(entries: bank, queries: queries, maxDistance: maxDistance)
        #expect(index.matches(for: queries, maxDistance: maxDistance).matches == expected, "shape \(Self.shapes[shape].name), threshold \(maxDistance)")
    }

    /// Large thresholds: scan, automatic, and multi-index with 8-bit substrings (the only layout
    /// where enumerating radius 8 per substring stays small).
    @Test(arguments: [0, 1, 5], [64, 128, 256])
    func largeThresholdsEqualLinearScan(shape: Int, maxDistance: Int) {
        var generator = SeededGenerator(seed: 0x1A_26E &+ UInt64(maxDistance))
        let bank = clusteredBank(clusters: 20, membersPerCluster: 1...10, noise: 300, using: &generator)
        let queries = Array(Self.queries(for: bank, using: &generator).prefix(12))
        let index = Self.index(bank, shape: shape)
        let expected = linearScanReference(entries: bank, queries: queries, maxDistance: maxDistance)
        #expect(index.matches(for: queries, maxDistance: maxDistance).matches == expected)
        if maxDistance == 256 {
            #expect(expected.count == bank.count * queries.count, "at 256 everything matches")
        }
    }

    /// Queries carrying up to 8 variants: the match reports the closest variant.
    @Test(arguments: 0..<shapes.count)
    func variantsReportTheClosestHash(shape: Int) {
        var generator = SeededGenerator(seed: 0xD1_4ED2)
        let bank = clusteredBank(clusters: 40, membersPerCluster: 1...5, noise: 2000, using: &generator)
        var queries = [MatchQuery]()
        for count in 1...8 {
            for _ in 0..<4 {
                // Each variant is near a different random entry, or random.
                let hashes = (0..<count).map { _ in
                    Bool.random(using: &generator)
                        ? bank.randomElement(using: &generator)!.flipping(Int.random(in: 0...36, using: &generator), using: &generator)
                        : PDQHash.random(using: &generator)
                }
                queries.append(MatchQuery(hashes: hashes))
            }
        }
        // Two variants at the same distance of the same entry: the first one is reported.
        let entry = bank[7]
        let tie = entry.flipping(5, using: &generator)
        queries.append(MatchQuery(hashes: [.random(using: &generator), tie, tie]))
        let index = Self.index(bank, shape: shape)
        let expected = linearScanReference(entries: bank, queries: queries, maxDistance: 31)
        let matches = index.matches(for: queries).matches
        #expect(matches == expected)
        #expect(matches.contains(MatchIndex.Match(query: queries.count - 1, entry: 7, distance: 5, variant: 1)))
        #expect(Set(matches.map(\.variant)).count > 3, "matches must come through several variants")
    }

    @Test func singleThreadEqualsTwoThreads() {
        var generator = SeededGenerator(seed: 42)
        let bank = clusteredBank(clusters: 500, membersPerCluster: 1...20, noise: 20000, using: &generator)
        let queries = Self.queries(for: bank, using: &generator)
        for shape in [0, 3] {
            let one = Self.index(bank, shape: shape, threads: 1).matches(for: queries)
            let two = Self.index(bank, shape: shape, threads: 2).matches(for: queries)
            #expect(one.matches == two.matches)
            #expect(one.matches == linearScanReference(entries: bank, queries: queries, maxDistance: 31))
        }
    }

    @Test func singleLookupMatchesBatch() {
        var generator = SeededGenerator(seed: 7)
        let bank = (0..<500).map { _ in PDQHash.random(using: &generator) }
        let index = MatchIndex(hashes: bank)
        let query = bank[123].flipping(20, using: &generator)
        #expect(index.matches(for: query) == [MatchIndex.Match(query: 0, entry: 123, distance: 20, variant: 0)])
        #expect(index.matches(for: query, maxDistance: 19).isEmpty)
    }

    @Test func edgeCases() {
        var generator = SeededGenerator(seed: 9)
        let hash = PDQHash.random(using: &generator)
        let empty = MatchIndex(hashes: [PDQHash]())
        #expect(empty.matches(for: hash).isEmpty)
        #expect(empty.count == 0)

        let index = MatchIndex(hashes: [hash, hash.flipping(3, using: &generator)])
        #expect(index.matches(for: hash, maxDistance: -1).isEmpty, "a negative threshold matches nothing")
        #expect(index.matches(for: hash, maxDistance: 1000).count == 2, "a threshold above 256 is 256")
        #expect(index.matches(for: [], maxDistance: 31).matches.isEmpty)
        // Duplicate entries are distinct entries.
        let duplicates = MatchIndex(hashes: [hash, hash, hash])
        #expect(duplicates.matches(for: hash).map(\.entry) == [0, 1, 2])
    }

    @Test func queriesBelowTheQualityGateAreNotMatched() {
        var generator = SeededGenerator(seed: 11)
        let bank = (0..<100).map { _ in PDQHash.random(using: &generator) }
        let index = MatchIndex(hashes: bank)
        let queries = [
            MatchQuery(bank[1], quality: 49),
            MatchQuery(bank[2], quality: 50),
            MatchQuery(bank[3]),
            MatchQuery(bank[4], quality: 0),
        ]
        let results = index.matches(for: queries)
        #expect(results.lowQualityQueries == [0, 3])
        #expect(results.matches.map(\.query) == [1, 2])
        #expect(results.matches.map(\.entry) == [2, 3])

        var lenient = MatchIndex.Configuration()
        lenient.minimumQuality = 0
        #expect(MatchIndex(hashes: bank, configuration: lenient).matches(for: queries).matches.count == 4)
    }

    @Test func bankEntriesBelowTheQualityGateAreLeftOut() {
        var generator = SeededGenerator(seed: 12)
        let hashes = (0..<50).map { _ in PDQHash.random(using: &generator) }
        let bank = HashBank(
            name: "test",
            entries: hashes.enumerated().map { index, hash in
                HashBank.Entry(hash: hash, id: "e\(index)", quality: index % 3 == 0 ? 10 : (index % 3 == 1 ? 90 : nil))
            }
        )
        for shape in MatchIndexTests.shapes {
            var configuration = MatchIndex.Configuration()
            configuration.strategy = shape.strategy
            configuration.substringCount = shape.substrings
            let index = MatchIndex(bank: bank, configuration: configuration)
            #expect(index.excludedLowQualityCount == 17)
            #expect(index.count == 33)
            let results = index.matches(for: hashes.map { MatchQuery($0) }, maxDistance: 0)
            // Every kept entry is found by its own hash, under its bank position.
            #expect(results.matches.map(\.entry) == hashes.indices.filter { $0 % 3 != 0 })
            #expect(results.matches.allSatisfy { $0.query == $0.entry && $0.distance == 0 })
            #expect(index.memoryFootprint.entryMapBytes == 33 * 4)
        }
    }

    @Test func automaticStrategyFollowsTheCostEstimate() {
        var generator = SeededGenerator(seed: 13)
        let bank = (0..<200_000).map { _ in PDQHash.random(using: &generator) }
        let index = MatchIndex(hashes: bank)
        #expect(index.strategy(probeCount: 100, maxDistance: 31) == .multiIndex)
        #expect(index.strategy(probeCount: 100, maxDistance: 128) == .linearScan)
        let scanOnly = MatchIndex(hashes: bank.prefix(10), configuration: { var c = MatchIndex.Configuration(); c.strategy = .linearScan; return c }())
        #expect(scanOnly.strategy(probeCount: 1, maxDistance: 31) == .linearScan)
        #expect(scanOnly.substringCount == nil)
        #expect(scanOnly.memoryFootprint.totalBytes == 320)
    }

    @Test func memoryFootprintCountsTablesAndHashes() {
        var generator = SeededGenerator(seed: 14)
        let bank = (0..<10_000).map { _ in PDQHash.random(using: &generator) }
        var configuration = MatchIndex.Configuration()
        configuration.substringCount = 16
        let index = MatchIndex(hashes: bank, configuration: configuration)
        let footprint = index.memoryFootprint
        #expect(footprint.hashBytes == 320_000)
        #expect(footprint.multiIndexBytes == 16 * (65_537 * 4 + 10_000 * 4))
        #expect(footprint.entryMapBytes == 0)
    }
}
