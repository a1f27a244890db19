import Foundation
import PerceptualHash
import TestVectors
import Testing

private let pixelsCoreFile = "pdq/expected/pixels-core.csv"

/// Runner for `pdq/expected/pixels-core.csv`: every column reproduced exactly (PDQ spec §3–§13).
@Suite(.enabled(if: TestVectors.availableOrWarn(pixelsCoreFile)))
struct PixelsCoreVectorTests {
    static let file = "pdq/expected/pixels-core.csv"
    static let rows: [String: [String: String]] = {
        guard let csv = try? VectorCSV(file) else { return [:] }
        return Dictionary(csv.rows.compactMap { row in row["file"].map { ($0, row) } }, uniquingKeysWith: { first, _ in first })
    }()
    static let decodable = rows.keys.filter { !PixelVectors.isPending($0) }.sorted()
    static let pending = rows.keys.filter { PixelVectors.isPending($0) }.sorted()
    static let dihedralColumns = ["rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"]

    @Test func theVectorFileListsEveryPixelFile() throws {
        let listed = Set(Self.rows.keys)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: TestVectors.url("pdq/pixels").path)
        #expect(listed == Set(onDisk.map { "pixels/" + $0 }))
        #expect(listed.count == 37)
    }

    @Test(arguments: decodable)
    func hashQualityAndDihedralsAreExact(file: String) throws {
        let row = try #require(Self.rows[file])
        let vector = try PixelVectors.load(file)
        #expect(String(vector.width) == row["width"] && String(vector.height) == row["height"])
        try Self.check(vector, against: row)
    }

    /// The PNG pixel vectors need a PNG decoder, which the ImageDecoding module provides.
    /// Until it is wired in, these rows are reported as not run (skipped), never passed.
    @Test(.disabled("PNG pixel vectors pending: ImageDecoding's PNG decoder is not merged into this branch yet"), arguments: pending)
    func pngVectorsAreExact(file: String) throws {
        let row = try #require(Self.rows[file])
        try Self.check(try PixelVectors.load(file), against: row)
    }

    static func check(_ vector: PixelVector, against row: [String: String]) throws {
        let hasher = PDQHasher()
        let result = try hasher.hash(rgb: vector.rgb, width: vector.width, height: vector.height)
        #expect(result.hash.hex == row["hash"], "hash")
        #expect(String(result.quality) == row["quality"], "quality")

        let dihedral = try hasher.hashWithDihedrals(rgb: vector.rgb, width: vector.width, height: vector.height)
        #expect(dihedral.original.hash.hex == row["hash"], "dihedral path, original")
        #expect(String(dihedral.quality) == row["quality"], "dihedral path, quality")
        for (variant, column) in zip(PDQDihedral.allCases.dropFirst(), dihedralColumns) {
            #expect(variant.description == column)
            #expect(dihedral[variant].hex == row[column], "\(column)")
        }

        let cli = PDQHasher(configuration: .init(preResizeTo512: true))
        let cliResult = try cli.hash(rgb: vector.rgb, width: vector.width, height: vector.height)
        #expect(cliResult.hash.hex == row["cli_hash"], "cli_hash (pre-resize to 512)")
        #expect(String(cliResult.quality) == row["cli_quality"], "cli_quality (pre-resize to 512)")
    }
}
