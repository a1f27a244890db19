import Foundation
@testable import PerceptualHash
import TestVectors
import Testing

private let short256NormsFile = "pdq/hashlists/short256-norms-and-distances.csv"
private let long256File = "pdq/hashlists/long256.dat"
private let order256File = "pdq/hashlists/order256.dat"

/// Runner for `pdq/hashlists/short256-norms-and-distances.csv`: popcounts and pairwise distances.
@Suite(.enabled(if: TestVectors.availableOrWarn(short256NormsFile)))
struct Short256NormsVectorTests {
    static let file = "pdq/hashlists/short256-norms-and-distances.csv"

    @Test func popcountsAndDistances() throws {
        let csv = try VectorCSV(Self.file)
        let hashes = try hashListLines("pdq/hashlists/short256.dat")
        #expect(csv.rows.count == hashes.count * hashes.count, "every ordered pair is listed")
        for row in csv.rows {
            let i = try #require(row["i"].flatMap { Int($0) })
            let j = try #require(row["j"].flatMap { Int($0) })
            let a = try #require(PDQHash(hex: row["hash_i"] ?? ""))
            let b = try #require(PDQHash(hex: row["hash_j"] ?? ""))
            #expect(a.hex == hashes[i] && b.hex == hashes[j], "row \(i),\(j) lists the .dat file's hashes")
            #expect(String(a.popcount) == row["popcount_i"])
            #expect(String(b.popcount) == row["popcount_j"])
            #expect(String(a.distance(to: b)) == row["distance"])
            #expect(a.distance(to: b) == b.distance(to: a))
        }
    }
}

/// Runner for `pdq/hashlists/long256.dat`: 50 hashes that parse and print back unchanged.
@Suite(.enabled(if: TestVectors.availableOrWarn(long256File)))
struct Long256VectorTests {
    static let file = "pdq/hashlists/long256.dat"

    @Test func everyHashRoundTrips() throws {
        let lines = try hashListLines(Self.file)
        #expect(lines.count == 50)
        for line in lines {
            let hash = try #require(PDQHash(hex: line), "unparsable \(line)")
            #expect(hash.hex == line)
            #expect(hash.distance(to: hash) == 0)
        }
    }
}

/// Runner for `pdq/hashlists/order256.dat`: the bit layout of spec §10, checked against an
/// independent reading of the text as sixteen 16-bit words, word 15 first.
@Suite(.enabled(if: TestVectors.availableOrWarn(order256File)))
struct Order256VectorTests {
    static let file = "pdq/hashlists/order256.dat"

    @Test func bitKIsInWordKShiftedFourAtPositionKAnd15() throws {
        let lines = try hashListLines(Self.file)
        #expect(lines.count == 2)
        for line in lines {
            let hash = try #require(PDQHash(hex: line))
            let digits = Array(line)
            let words: [UInt16] = try (0..<16).map { word in
                let start = (15 - word) * 4
                return try #require(UInt16(String(digits[start..<(start + 4)]), radix: 16))
            }
            for k in 0..<256 {
                #expect(hash[bit: k] == ((words[k >> 4] >> UInt16(k & 15)) & 1 == 1), "bit \(k) of \(line)")
            }
            #expect(hash.popcount == words.reduce(0) { $0 + $1.nonzeroBitCount })
        }
    }
}

// MARK: - Needles against the haystack (from the pdq-index branch)

/// `vectors/pdq/hashlists/`: needles against the haystack must give exactly the listed pairs.
@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/hashlists"), Comment(rawValue: TestVectors.skipNotice("pdq/hashlists"))))
struct HashListVectorTests {
    static func bank(_ file: String) throws -> HashBank {
        try HashBank.importList(TestVectors.data("pdq/hashlists/\(file)"), name: file).bank
    }

    /// (needle, haystack, distance) rows of needles-vs-haystack-matches.csv: every pair within 32.
    static func expectedPairs() throws -> [(needle: Int, haystack: Int, distance: Int)] {
        let text = String(decoding: try TestVectors.data("pdq/hashlists/needles-vs-haystack-matches.csv"), as: UTF8.self)
        var lines = text.split(whereSeparator: \.isNewline)
        #expect(lines.removeFirst() == "needle_index,haystack_index,distance")
        return try lines.map { line in
            let fields = line.split(separator: ",").map { Int($0) }
            let needle = try #require(fields[0]), haystack = try #require(fields[1]), distance = try #require(fields[2])
            return (needle, haystack, distance)
        }
    }

    @Test(arguments: [MatchIndex.Strategy.automatic, .linearScan, .multiIndex], [30, 31, 32])
    func needlesAgainstHaystack(strategy: MatchIndex.Strategy, maxDistance: Int) throws {
        let haystack = try Self.bank("haystack.txt")
        let needles = try Self.bank("needles.txt")
        #expect(haystack.count == 1350)
        #expect(needles.count == 100)
        var configuration = MatchIndex.Configuration()
        configuration.strategy = strategy
        let index = MatchIndex(bank: haystack, configuration: configuration)
        let results = index.matches(for: needles.entries.map { MatchQuery($0.hash) }, maxDistance: maxDistance)
        let found = results.matches.map { "\($0.query),\($0.entry),\($0.distance)" }
        // The file lists every pair within 32, so any threshold ≤ 32 is its rows up to it.
        let expected = try Self.expectedPairs().filter { $0.distance <= maxDistance }.map { "\($0.needle),\($0.haystack),\($0.distance)" }
        #expect(found.sorted() == expected.sorted())
        #expect(maxDistance < 31 || found.count == 250)
    }
}
