import ArgumentParser
import Foundation
import PerceptualHash

/// `letterlock-bench pdq-match`: match-index throughput and memory (issue 4, item 8, matching part).
///
/// `runMatchBench(reporter:sizes:queries:)` is also what `letterlock-bench pdq --only match` runs.
struct PDQMatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdq-match",
        abstract: "PDQ match index: queries/s and memory at distance 31, beside a plain linear scan measured in the same run."
    )

    @OptionGroup var options: BenchOptions

    @Option(parsing: .upToNextOption, help: "Bank sizes (number of hashes).")
    var sizes: [Int] = [1_000_000, 10_000_000]

    @Option(help: "Queries per timed batch (half near bank members, half random).")
    var queries = 4000

    @Option(help: "Threads the index may use for a batch.")
    var threads = 2

    @Option(help: "Multi-index substrings (11...32); default: the index's own choice for the bank size.")
    var substrings: Int?

    func validate() throws {
        guard sizes.allSatisfy({ (1...50_000_000).contains($0) }) else { throw ValidationError("--sizes must be in 1...50000000") }
        guard (10...100_000).contains(queries) else { throw ValidationError("--queries must be in 10...100000") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64") }
        guard substrings.map({ (11...32).contains($0) }) ?? true else { throw ValidationError("--substrings must be in 11...32") }
    }

    func run() throws {
        try runMatchBench(reporter: options.reporter, sizes: sizes, queries: queries, threads: threads, substrings: substrings)
    }
}

/// Published figures for this machine quoted by issue 4 (1,000,000 hashes, distance 31). Context
/// only: they were not measured by this program.
let publishedMatchReferences: [(name: String, queriesPerSecond: Double)] = [
    ("C++ reference linear scan (hardware popcount)", 370),
    ("C++ reference multi-index hashing", 105),
    ("python-threatexchange faiss index", 1260),
]

/// Builds a clustered synthetic bank per size and reports, at distance 31:
/// - index build time and memory (bytes per hash);
/// - queries/s of the index (automatic strategy, a batch over `threads` threads), of each strategy
///   forced, and of one-query-at-a-time lookups, each beside a plain one-query-at-a-time
///   linear scan (same popcount, one thread) measured in the same run;
/// and checks that every strategy returns exactly what the plain scan returns.
func runMatchBench(reporter: BenchReporter, sizes: [Int], queries queryCount: Int = 4000, threads: Int = 2, substrings: Int? = nil) throws {
    let maxDistance = MatchIndex.defaultMaxDistance
    for size in sizes {
        let label = size % 1_000_000 == 0 ? "\(size / 1_000_000)M" : "\(size)"
        let bench = "pdq-match \(label)"
        reporter.note("\(bench): generating a clustered bank of \(size) hashes and \(queryCount) queries")
        var generator = BenchGenerator(seed: 0xBA_4B00 &+ UInt64(size))
        let bank = SyntheticBank.clustered(count: size, using: &generator)
        let queries = SyntheticBank.queries(count: queryCount, near: bank, using: &generator)

        var index: MatchIndex?
        var configuration = MatchIndex.Configuration()
        configuration.threadCount = threads
        configuration.substringCount = substrings
        let buildSeconds = Stopwatch.seconds { index = MatchIndex(hashes: bank, configuration: configuration) }
        guard let index else { return }
        let footprint = index.memoryFootprint
        reporter.report(BenchFigure(bench: bench, metric: "index build", value: buildSeconds, unit: "s", reference: nil, ratio: nil))
        reporter.report(
            BenchFigure(bench: bench, metric: "index memory", value: Double(footprint.totalBytes) / Double(size), unit: "bytes/hash", reference: nil, ratio: nil)
        )
        reporter.note(
            "\(bench): \(footprint.totalBytes >> 20) MiB = hashes \(footprint.hashBytes >> 20) MiB + multi-index tables \(footprint.multiIndexBytes >> 20) MiB (\(index.substringCount ?? 0) substrings)"
        )

        // The reference: a plain linear scan, one query at a time, one thread, same popcount.
        // Timed on a subset so that 10M stays within seconds.
        let plainCount = max(5, min(queryCount, 200_000_000 / size))
        let plainQueries = Array(queries.prefix(plainCount))
        var plainMatches = [[Int]]()
        let plainSeconds = Stopwatch.seconds {
            plainMatches = plainQueries.map { PlainLinearScan.matches(of: $0.hashes[0], in: bank, maxDistance: maxDistance) }
        }
        let plainRate = Double(plainCount) / plainSeconds
        let plainName = "plain linear scan, 1 query at a time (\(BenchReporter.format(plainRate)) q/s)"
        reporter.report(BenchFigure(bench: bench, metric: "plain linear scan", value: plainRate, unit: "queries/s", reference: nil, ratio: nil))

        // The batched scan is timed on as many queries as make about 10^9 comparisons, so that
        // 10M stays within seconds; multi-index hashing and the automatic choice on all of them.
        let scanCount = max(10, min(queryCount, 1_000_000_000 / size))
        let batches: [(name: String, strategy: MatchIndex.Strategy?, queries: [MatchQuery])] = [
            ("index, automatic (batch, \(threads) threads)", nil, queries),
            ("multi-index hashing (batch, \(threads) threads)", .multiIndex, queries),
            ("batched linear scan (batch of \(scanCount), \(threads) threads)", .linearScan, Array(queries.prefix(scanCount))),
        ]

        // Exactness first: every strategy must give exactly the plain scan's matches on the
        // queries the plain scan ran, and the strategies must agree with each other.
        var agreed: [MatchIndex.Match]?
        for (name, strategy, batch) in batches {
            let results = index.matches(for: batch, maxDistance: maxDistance, strategy: strategy)
            for (position, expected) in plainMatches.enumerated() where position < batch.count {
                let found = results.matches.filter { $0.query == position }.map(\.entry)
                guard found == expected else { throw ValidationError("\(name) disagrees with the plain scan on query \(position): a bug") }
            }
            if let agreed {
                guard agreed.filter({ $0.query < batch.count }) == results.matches else {
                    throw ValidationError("\(name) disagrees with another strategy: a bug")
                }
            } else {
                agreed = results.matches
            }
        }
        let matchedQueries = Set(agreed?.map(\.query) ?? []).count
        reporter.note("\(bench): \(agreed?.count ?? 0) matches for \(matchedQueries) of \(queryCount) queries; every strategy equals the plain scan")

        for (name, strategy, batch) in batches {
            let seconds = Stopwatch.best(of: strategy == .linearScan ? 2 : 3) { _ = index.matches(for: batch, maxDistance: maxDistance, strategy: strategy) }
            let rate = Double(batch.count) / seconds
            let metric = strategy == nil ? "\(name) [chose \(index.strategy(probeCount: batch.count, maxDistance: maxDistance))]" : name
            reporter.report(BenchFigure(bench: bench, metric: metric, value: rate, unit: "queries/s", reference: plainName, ratio: rate / plainRate))
        }

        // One query per call, the way a relay looks up a single upload.
        let singleSeconds = Stopwatch.best(of: 3) {
            for query in plainQueries { _ = index.matches(for: query.hashes[0], maxDistance: maxDistance) }
        }
        let singleRate = Double(plainCount) / singleSeconds
        reporter.report(
            BenchFigure(bench: bench, metric: "index, 1 query per call", value: singleRate, unit: "queries/s", reference: plainName, ratio: singleRate / plainRate)
        )

        if size == 1_000_000 {
            let best = publishedMatchReferences.map { "\($0.name) ~\(Int($0.queriesPerSecond)) q/s" }.joined(separator: "; ")
            reporter.note("\(bench): published reference for this machine (quoted by issue 4, NOT measured here): \(best)")
        }
    }
}

/// The simplest correct matcher, for reference: every hash, one query at a time.
enum PlainLinearScan {
    static func matches(of query: PDQHash, in bank: [PDQHash], maxDistance: Int) -> [Int] {
        var result = [Int]()
        bank.withUnsafeBufferPointer { hashes in
            for index in hashes.indices where hashes[index].distance(to: query) <= maxDistance {
                result.append(index)
            }
        }
        return result
    }
}

/// SplitMix64, seeded: the same bank every run.
struct BenchGenerator: RandomNumberGenerator {
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

/// Synthetic banks shaped like real lists: near-duplicate clusters plus unrelated entries.
enum SyntheticBank {
    static func random(using generator: inout BenchGenerator) -> PDQHash {
        PDQHash(limbs: (generator.next(), generator.next(), generator.next(), generator.next()))
    }

    /// `hash` with up to `flips` random bits flipped (a bit may be drawn twice).
    static func perturb(_ hash: PDQHash, flips: Int, using generator: inout BenchGenerator) -> PDQHash {
        var result = hash
        for _ in 0..<flips {
            let bit = Int(generator.next() & 255)
            result[bit: bit].toggle()
        }
        return result
    }

    /// 70% of entries in clusters of 1–16 near-duplicates (0–20 bits from a random centre),
    /// 30% random, shuffled.
    static func clustered(count: Int, using generator: inout BenchGenerator) -> [PDQHash] {
        var bank = [PDQHash]()
        bank.reserveCapacity(count)
        let clustered = count * 7 / 10
        while bank.count < clustered {
            let centre = random(using: &generator)
            for _ in 0..<min(Int.random(in: 1...16, using: &generator), clustered - bank.count) {
                bank.append(perturb(centre, flips: Int.random(in: 0...20, using: &generator), using: &generator))
            }
        }
        while bank.count < count { bank.append(random(using: &generator)) }
        bank.shuffle(using: &generator)
        return bank
    }

    /// Half near bank members (0–24 bits away), half random, interleaved.
    static func queries(count: Int, near bank: [PDQHash], using generator: inout BenchGenerator) -> [MatchQuery] {
        (0..<count).map { position in
            if position.isMultiple(of: 2), let member = bank.randomElement(using: &generator) {
                return MatchQuery(perturb(member, flips: Int.random(in: 0...24, using: &generator), using: &generator))
            }
            return MatchQuery(random(using: &generator))
        }
    }
}
