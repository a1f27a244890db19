import Foundation
import PerceptualHash
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
