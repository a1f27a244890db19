import Foundation
import Testing
import TestVectors

@testable import PerceptualHash

/// `vectors/pdq/hashlists/`: needles against the haystack must give exactly the listed pairs.
@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/hashlists"), Comment(rawValue: TestVectors.skipNotice("pdq/hashlists"))))
struct NeedlesHaystackVectorTests {
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
