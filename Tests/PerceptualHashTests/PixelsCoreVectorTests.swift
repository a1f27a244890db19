import Foundation
import ImageDecoding
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
    static let ppm = rows.keys.filter { !PixelVectors.isPNG($0) }.sorted()
    static let png = rows.keys.filter { PixelVectors.isPNG($0) }.sorted()
    static let dihedralColumns = ["rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"]

    @Test func theVectorFileListsEveryPixelFile() throws {
        let listed = Set(Self.rows.keys)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: TestVectors.url("pdq/pixels").path)
        #expect(listed == Set(onDisk.map { "pixels/" + $0 }))
        #expect(listed.count == 37)
    }

    @Test(arguments: ppm)
    func ppmRowsAreExact(file: String) throws {
        try Self.check(file)
    }

    /// The 3 large synthetic vectors are PNG: decoded by ImageDecoding's PNG decoder, which must work.
    @Test(arguments: png)
    func pngRowsAreExact(file: String) throws {
        try Self.check(file)
    }

    static func check(_ file: String) throws {
        let row = try #require(Self.rows[file])
        let image = try PixelVectors.load(file)
        #expect(String(image.width) == row["width"] && String(image.height) == row["height"])
        let hasher = PDQHasher()
        let result = hasher.hash(image)
        #expect(result.hash.hex == row["hash"], "hash")
        #expect(String(result.quality) == row["quality"], "quality")

        let dihedral = hasher.hashWithDihedrals(image)
        #expect(dihedral.original.hash.hex == row["hash"], "dihedral path, original")
        #expect(String(dihedral.quality) == row["quality"], "dihedral path, quality")
        for (variant, column) in zip(PDQDihedral.allCases.dropFirst(), dihedralColumns) {
            #expect(variant.description == column)
            #expect(dihedral[variant].hex == row[column], "\(column)")
        }

        let cli = PDQHasher(configuration: .init(preResizeTo512: true))
        let cliResult = cli.hash(image)
        #expect(cliResult.hash.hex == row["cli_hash"], "cli_hash (pre-resize to 512)")
        #expect(String(cliResult.quality) == row["cli_quality"], "cli_quality (pre-resize to 512)")
    }
}
