import Foundation
import ImageDecoding
import PerceptualHash
import TestVectors
import Testing

/// Runner for `pdq/expected/images-fullres-rgb.csv`: the HMA/python-threatexchange pipeline
/// (Pillow decode, full-resolution PDQ). Decoders differ, so the README's tolerance applies: every
/// hash column within 10 bits where the expected quality is at least 80, quality within 5.
///
/// One documented exception: `I16.png`. Pillow clips 16-bit samples to 255, ImageMagick (and we)
/// scale them, so the expected row is 130 bits away by construction (vector README, spec §2). For that
/// file the test checks what we do promise: the hash of exactly ImageMagick's decode
/// (`pixels/pytx-resources__I16.ppm`, bit-exact row of `pixels-core.csv`).
@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/expected/images-fullres-rgb.csv"), "PDQ vectors not found"))
struct ImagesFullResolutionTests {
    static let file = "pdq/expected/images-fullres-rgb.csv"
    static let rows = VectorCSV.rows(file)
    static let sixteenBitClippedByPillow = "images/pytx-resources/I16.png"

    @Test func vectorFileHasEveryImage() {
        #expect(Self.rows.count == 34)
    }

    @Test(arguments: rows.filter { $0["file"] != sixteenBitClippedByPillow })
    func withinTolerance(row: [String: String]) throws {
        let file = try #require(row["file"])
        let expectedQuality = try #require(Int(row["quality"] ?? ""))
        let result = try FilePipeline.hash(file: file, preResizeTo512: false)
        let worst = try #require(FilePipeline.worstDistance(result, row), "\(file): malformed row")
        #expect(abs(result.quality - expectedQuality) <= 5, "\(file): quality \(result.quality), expected \(expectedQuality)")
        if expectedQuality >= 80 {
            #expect(worst <= 10, "\(file): \(worst) bits from the expected hashes")
        }
        print("fullres \(file): distance \(worst) (all 8 columns), quality \(result.quality) vs \(expectedQuality)")
    }

    @Test func sixteenBitFollowsImageMagickNotPillow() throws {
        let row = try #require(Self.rows.first { $0["file"] == Self.sixteenBitClippedByPillow })
        let result = try FilePipeline.hash(file: Self.sixteenBitClippedByPillow, preResizeTo512: false)
        let core = try #require(VectorCSV.rows("pdq/expected/pixels-core.csv").first { $0["file"] == "pixels/pytx-resources__I16.ppm" })
        #expect(result.original.hash.hex == core["hash"])
        #expect(String(result.quality) == core["quality"])
        let pillow = try #require(PDQHash(hex: row["hash"] ?? ""))
        #expect(result.original.hash.distance(to: pillow) > 100, "documented: Pillow clips 16-bit samples")
    }
}

/// Runner for `pdq/expected/images-cpp-cli.csv`: the reference C++ tool (ImageMagick decode, then the
/// nearest-neighbour pre-resize to 512x512 for larger images), with our pre-resize option on.
///
/// Documented exception: `I16.png`. The tool's CImg loader reads ImageMagick's 16-bit PNM of this file
/// and keeps only the low byte of each sample (its hash is exactly the hash of `v & 0xFF`: noise, hence
/// quality 100), a defect of the reference tool we do not reproduce.
/// We check instead that on that file we give exactly what the tool gives on ImageMagick's 8-bit decode
/// (`cli_hash` of `pixels/pytx-resources__I16.ppm` in `pixels-core.csv`).
@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/expected/images-cpp-cli.csv"), "PDQ vectors not found"))
struct ImagesReferenceToolTests {
    static let rows = VectorCSV.rows("pdq/expected/images-cpp-cli.csv")
    static let sixteenBit = "images/pytx-resources/I16.png"

    @Test func vectorFileHasEveryImage() {
        #expect(Self.rows.count == 34)
    }

    @Test func sixteenBitMatchesTheToolOnImageMagicksEightBitDecode() throws {
        let result = try FilePipeline.hash(file: Self.sixteenBit, preResizeTo512: true)
        let core = try #require(VectorCSV.rows("pdq/expected/pixels-core.csv").first { $0["file"] == "pixels/pytx-resources__I16.ppm" })
        #expect(result.original.hash.hex == core["cli_hash"])
        #expect(String(result.quality) == core["cli_quality"])
    }

    @Test(arguments: rows.filter { $0["file"] != sixteenBit })
    func withinTolerance(row: [String: String]) throws {
        let file = try #require(row["file"])
        let expectedQuality = try #require(Int(row["quality"] ?? ""))
        let result = try FilePipeline.hash(file: file, preResizeTo512: true)
        let worst = try #require(FilePipeline.worstDistance(result, row), "\(file): malformed row")
        #expect(abs(result.quality - expectedQuality) <= 5, "\(file): quality \(result.quality), expected \(expectedQuality)")
        if expectedQuality >= 80 {
            #expect(worst <= 10, "\(file): \(worst) bits from the expected hashes")
        }
        print("cpp-cli \(file): distance \(worst) (all 8 columns), quality \(result.quality) vs \(expectedQuality)")
    }
}
