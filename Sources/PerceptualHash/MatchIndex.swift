import Foundation

/// Exact PDQ matching: every indexed hash within a Hamming distance of a query, with the distance.
///
/// Exact means the result is the same set of (entry, distance) a linear scan over every hash
/// would give (PDQ spec §11: distance = popcount of XOR, match = distance ≤ 31 by default):
/// no false negatives, no false positives. Two strategies give that result; the index picks
/// the cheaper per call from a cost estimate (``strategy(probeCount:maxDistance:)``):
///
/// - a **batched linear scan** (`BatchedScan`): chunks of the packed hashes stay in cache
///   while every probe of the batch is compared with them, split across threads by bank range;
/// - **multi-index hashing** (`MultiIndexTables`): probe the substring tables around each query
///   within the pigeonhole radii, verify the candidates with the full distance.
///
/// The index holds only hashes (32 bytes each, plus the multi-index tables); entries are
/// numbered by their position in the array or ``HashBank`` it was built from, so the index is
/// independent of where banks are stored. Build it once, query it from any thread.
public struct MatchIndex: Sendable {
    /// The default match threshold: distance ≤ 31 (`PDQ_CONFIDENT_MATCH_THRESHOLD`, spec §11).
    public static let defaultMaxDistance = 31
    /// The default quality gate: hashes with quality below 50 are not matched (spec §11).
    public static let defaultMinimumQuality = 50

    /// How matches are found. Every strategy gives the same results; they differ in speed.
    public struct Strategy: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case automatic, linearScan, multiIndex }
        private let base: Base

        /// Build the multi-index tables and choose per call by estimated cost.
        public static let automatic = Strategy(base: .automatic)
        /// Batched linear scan only (no tables are built: 32 bytes per hash).
        public static let linearScan = Strategy(base: .linearScan)
        /// Multi-index hashing always (for measurement; large thresholds make it slower than a scan).
        public static let multiIndex = Strategy(base: .multiIndex)

        public var description: String {
            switch base {
            case .automatic: "automatic"
            case .linearScan: "linear-scan"
            case .multiIndex: "multi-index"
            }
        }
    }

    /// How the index is built and queried.
    public struct Configuration: Hashable, Sendable {
        /// Which strategies the index may use. Default: ``Strategy/automatic``.
        public var strategy: Strategy = .automatic
        /// Threads a batch may use. Default: the active processor count.
        public var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Bank entries and queries with a known quality below this are not matched. Default 50.
        public var minimumQuality: Int = MatchIndex.defaultMinimumQuality
        /// Number of multi-index substrings (11...32); `nil` picks the cheapest for the bank size
        /// at ``expectedMaxDistance`` within a memory budget of max(8 MiB, 16 bytes per hash).
        public var substringCount: Int?
        /// The threshold the tables are sized for (queries may use any threshold). Default 31.
        public var expectedMaxDistance: Int = MatchIndex.defaultMaxDistance

        public init() {}
    }

    /// One hit: indexed entry `entry` is `distance` bits from variant `variant` of query `query`.
    ///
    /// Each (query, entry) pair is reported once, with the smallest distance over the query's
    /// hashes and, among equal distances, the first such hash.
    public struct Match: Hashable, Sendable, CustomStringConvertible {
        /// Position of the query in the batch (0 for a single-hash lookup).
        public var query: Int
        /// Position of the entry in the hashes or bank the index was built from.
        public var entry: Int
        /// Hamming distance, 0...256.
        public var distance: Int
        /// Position, in the query's ``MatchQuery/hashes``, of the hash that matched.
        public var variant: Int

        public init(query: Int, entry: Int, distance: Int, variant: Int) {
            self.query = query
            self.entry = entry
            self.distance = distance
            self.variant = variant
        }

        public var description: String { "query \(query) ~ entry \(entry) at \(distance) (variant \(variant))" }
    }

    /// The outcome of a batch.
    public struct Results: Hashable, Sendable {
        /// Every match, ordered by query then entry.
        public var matches: [Match]
        /// Queries that were not matched because their quality is below the minimum.
        public var lowQualityQueries: [Int]
        /// The strategy that ran.
        public var strategy: Strategy
    }

    /// Bytes the index holds.
    public struct MemoryFootprint: Hashable, Sendable {
        /// Packed hashes: 32 bytes per hash.
        public var hashBytes: Int
        /// Multi-index tables (offsets plus 4 bytes per hash per substring); 0 without them.
        public var multiIndexBytes: Int
        /// Slot-to-entry map, present only when low-quality bank entries were left out.
        public var entryMapBytes: Int

        public var totalBytes: Int { hashBytes + multiIndexBytes + entryMapBytes }
    }

    public let configuration: Configuration
    /// Bank entries left out because their recorded quality is below the minimum.
    public let excludedLowQualityCount: Int

    private let hashes: PackedHashes
    private let tables: MultiIndexTables?
    /// `entries[slot]` is the bank position of the hash in `slot`; nil when they coincide.
    private let slotEntries: [UInt32]?

    /// Indexes `hashes`; matches name entries by their position in the collection.
    public init(hashes: some Collection<PDQHash>, configuration: Configuration = Configuration()) {
        self.init(packing: hashes, slotEntries: nil, excluded: 0, configuration: configuration)
    }

    /// Indexes a bank; matches name entries by their position in `bank.entries`.
    ///
    /// Entries whose recorded quality is below `configuration.minimumQuality` are left out
    /// (counted in ``excludedLowQualityCount``); entries without a quality are indexed, since a
    /// list that records none vouches for its hashes.
    public init(bank: HashBank, configuration: Configuration = Configuration()) {
        let isIndexed = { (entry: HashBank.Entry) in (entry.quality ?? Int.max) >= configuration.minimumQuality }
        let kept = bank.entries.filter(isIndexed)
        var slotEntries: [UInt32]?
        if kept.count != bank.entries.count {
            slotEntries = bank.entries.indices.filter { isIndexed(bank.entries[$0]) }.map { UInt32(truncatingIfNeeded: $0) }
        }
        self.init(packing: kept.lazy.map(\.hash), slotEntries: slotEntries, excluded: bank.count - kept.count, configuration: configuration)
    }

    private init(packing hashes: some Collection<PDQHash>, slotEntries: [UInt32]?, excluded: Int, configuration: Configuration) {
        precondition(hashes.count < Int(UInt32.max), "a MatchIndex holds fewer than 2^32 hashes")
        var configuration = configuration
        configuration.threadCount = max(1, configuration.threadCount)
        self.configuration = configuration
        self.excludedLowQualityCount = excluded
        self.slotEntries = slotEntries
        let packed = PackedHashes(hashes)
        self.hashes = packed
        if configuration.strategy == .linearScan {
            tables = nil
        } else {
            let expected = min(max(configuration.expectedMaxDistance, 0), 256)
            let m = configuration.substringCount.map { min(max($0, MultiIndexTables.supportedSubstringCounts.lowerBound), MultiIndexTables.supportedSubstringCounts.upperBound) }
                ?? MultiIndexTables.bestSubstringCount(count: packed.count, maxDistance: expected)
            tables = MultiIndexTables(hashes: packed, substringCount: m, threadCount: configuration.threadCount)
        }
    }

    /// Number of hashes indexed.
    public var count: Int { hashes.count }

    /// The number of multi-index substrings, or nil when the index has no tables.
    public var substringCount: Int? { tables?.substrings.count }

    /// Bytes held by the index (the bank's ids and other metadata are not part of it).
    public var memoryFootprint: MemoryFootprint {
        MemoryFootprint(hashBytes: hashes.byteCount, multiIndexBytes: tables?.byteCount ?? 0, entryMapBytes: (slotEntries?.count ?? 0) * 4)
    }

    /// Every entry within `maxDistance` of `hash`, ordered by entry (`query` and `variant` are 0).
    ///
    /// No quality gate applies: use ``matches(for:maxDistance:strategy:)`` with a quality to have one.
    public func matches(for hash: PDQHash, maxDistance: Int = MatchIndex.defaultMaxDistance) -> [Match] {
        matches(for: [MatchQuery(hash)], maxDistance: maxDistance).matches
    }

    /// Every (query, entry) within `maxDistance`, for a batch of queries.
    ///
    /// Batches are faster per query than single lookups: the scan reads memory once per batch.
    /// - Parameters:
    ///   - maxDistance: the match threshold (distance ≤ `maxDistance`), clamped to 0...256;
    ///     a negative threshold matches nothing.
    ///   - strategy: forces a strategy for this call (``Strategy/multiIndex`` falls back to the
    ///     scan on an index built without tables); nil lets the index choose.
    public func matches(for queries: [MatchQuery], maxDistance: Int = MatchIndex.defaultMaxDistance, strategy: Strategy? = nil) -> Results {
        var lowQuality = [Int]()
        var probeLimbs = [UInt64]()
        var probeQuery = [Int]()
        var probeVariant = [Int]()
        for (queryIndex, query) in queries.enumerated() {
            if let quality = query.quality, quality < configuration.minimumQuality {
                lowQuality.append(queryIndex)
                continue
            }
            for (variant, hash) in query.hashes.enumerated() {
                probeLimbs += [hash.limbs.0, hash.limbs.1, hash.limbs.2, hash.limbs.3]
                probeQuery.append(queryIndex)
                probeVariant.append(variant)
            }
        }
        let chosen = self.strategy(probeCount: probeQuery.count, maxDistance: maxDistance, requested: strategy)
        guard maxDistance >= 0, !probeQuery.isEmpty, count > 0 else {
            return Results(matches: [], lowQualityQueries: lowQuality, strategy: chosen)
        }
        let threshold = min(maxDistance, 256)
        let hits: [RawHit] =
            if chosen == .multiIndex, let tables {
                searchMultiIndex(tables, probeLimbs: probeLimbs, maxDistance: threshold)
            } else {
                scan(probeLimbs: probeLimbs, maxDistance: threshold)
            }
        return Results(matches: merge(hits, probeQuery: probeQuery, probeVariant: probeVariant), lowQualityQueries: lowQuality, strategy: chosen)
    }

    /// The strategy a batch of `probeCount` hashes (queries × variants) would use at `maxDistance`.
    ///
    /// Multi-index hashing is chosen when its expected work per probe (bucket lookups plus
    /// candidates, each a random memory access) is below the scan's (one cheap, cache-friendly
    /// comparison per hash) by the measured cost ratio ``randomAccessCost``.
    public func strategy(probeCount: Int, maxDistance: Int) -> Strategy {
        strategy(probeCount: probeCount, maxDistance: maxDistance, requested: nil)
    }

    /// How many scanned comparisons one multi-index lookup or candidate check costs, roughly
    /// (measured with `letterlock-bench pdq-match`; see docs/known-material-matching.md).
    static let randomAccessCost = 8.0

    private func strategy(probeCount: Int, maxDistance: Int, requested: Strategy?) -> Strategy {
        guard let tables else { return .linearScan }
        switch requested ?? configuration.strategy {
        case .linearScan: return .linearScan
        case .multiIndex: return .multiIndex
        default:
            let threshold = min(max(maxDistance, 0), 256)
            return tables.expectedCost(maxDistance: threshold) * Self.randomAccessCost < Double(count) ? .multiIndex : .linearScan
        }
    }

    // MARK: Running the strategies

    private func scan(probeLimbs: [UInt64], maxDistance: Int) -> [RawHit] {
        let probeCount = probeLimbs.count / 4
        // Threads only pay off on real work; each takes one contiguous range of the bank.
        let threads = count * probeCount >= 1 << 16 ? min(configuration.threadCount, max(1, count / BatchedScan.chunkSlots)) : 1
        var perThread = Array(repeating: [RawHit](), count: threads)
        let hashes = self.hashes
        let total = count
        probeLimbs.withUnsafeBufferPointer { probeBuffer in
            let probes = UnsafeSendableBuffer(UnsafeMutableBufferPointer(mutating: probeBuffer))
            perThread.withUnsafeMutableBufferPointer { results in
                let results = UnsafeSendableBuffer(results)
                Parallel.forEach(threads, threadCount: threads) { part in
                    let slots = (total * part / threads)..<(total * (part + 1) / threads)
                    var hits = [RawHit]()
                    BatchedScan.scan(hashes, slots: slots, probes: UnsafeBufferPointer(probes.buffer), maxDistance: maxDistance, into: &hits)
                    results.buffer[part] = hits
                }
            }
        }
        return perThread.flatMap { $0 }
    }

    private func searchMultiIndex(_ tables: MultiIndexTables, probeLimbs: [UInt64], maxDistance: Int) -> [RawHit] {
        let probeCount = probeLimbs.count / 4
        let radii = tables.radii(maxDistance: maxDistance)
        let threads = min(configuration.threadCount, probeCount)
        var perThread = Array(repeating: [RawHit](), count: threads)
        let hashes = self.hashes
        perThread.withUnsafeMutableBufferPointer { results in
            let results = UnsafeSendableBuffer(results)
            Parallel.forEach(threads, threadCount: threads) { part in
                var hits = [RawHit]()
                var scratch = [RawHit]()
                for probe in (probeCount * part / threads)..<(probeCount * (part + 1) / threads) {
                    let hash = PDQHash(limbs: (probeLimbs[4 * probe], probeLimbs[4 * probe + 1], probeLimbs[4 * probe + 2], probeLimbs[4 * probe + 3]))
                    tables.search(
                        probe: hash,
                        probeIndex: UInt32(truncatingIfNeeded: probe),
                        radii: radii,
                        hashes: hashes,
                        maxDistance: maxDistance,
                        into: &hits,
                        scratch: &scratch
                    )
                }
                results.buffer[part] = hits
            }
        }
        return perThread.flatMap { $0 }
    }

    /// Raw probe hits to one match per (query, entry): the smallest distance, then the first variant.
    private func merge(_ hits: [RawHit], probeQuery: [Int], probeVariant: [Int]) -> [Match] {
        var matches = hits.map { hit in
            let slot = Int(hit.slot)
            return Match(
                query: probeQuery[Int(hit.probe)],
                entry: slotEntries.map { Int($0[slot]) } ?? slot,
                distance: Int(hit.distance),
                variant: probeVariant[Int(hit.probe)]
            )
        }
        matches.sort { ($0.query, $0.entry, $0.distance, $0.variant) < ($1.query, $1.entry, $1.distance, $1.variant) }
        var result = [Match]()
        result.reserveCapacity(matches.count)
        for match in matches where result.last.map({ $0.query != match.query || $0.entry != match.entry }) ?? true {
            result.append(match)
        }
        return result
    }
}

/// A buffer shared with the workers of `Parallel.forEach`: read-only, or written at disjoint indices.
struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
