import Foundation
import ImageDecoding
import TestVectors
import Testing

/// Every upstream test image decodes to the dimensions Pillow reports (`expected/images-fullres-rgb.csv`).
@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/expected/images-fullres-rgb.csv"), "PDQ vectors not found"))
struct VectorImageTests {
    static let rows: [[String: String]] = (try? VectorCSV("pdq/expected/images-fullres-rgb.csv").rows) ?? []

    @Test func everyImageIsListed() {
        #expect(Self.rows.count >= 30)
    }

    @Test(arguments: rows)
    func decodesWithExpectedDimensions(row: [String: String]) throws {
        let file = try #require(row["file"])
        let decoded = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/\(file)").path)
        #expect(decoded.image.width == Int(row["width"] ?? ""), "\(file)")
        #expect(decoded.image.height == Int(row["height"] ?? ""), "\(file)")
        #expect(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
        #expect(decoded.orientationApplied == false)
        // Sane pixels: not a constant buffer (small.jpg is near-flat but not constant).
        let first = decoded.image.pixels[0]
        #expect(decoded.image.pixels.contains { $0 != first }, "\(file) decoded to a constant image")
        let expectedFormat: ImageFormat? =
            file.hasSuffix(".jpg") ? .jpeg : file.hasSuffix(".png") ? .png : file.hasSuffix(".webp") ? .webp : nil
        #expect(decoded.format == expectedFormat)
    }

    /// Grey modes must come out grey (R = G = B), colour modes must not.
    @Test(arguments: [
        ("images/modes/1.png", true), ("images/modes/L.png", true), ("images/pytx-resources/LA.png", true),
        ("images/pytx-resources/I16.png", true), ("images/modes/RGB.jpg", false), ("images/modes/RGBA.png", false),
        ("images/modes/PA.webp", false), ("images/modes/YCbCr.jpg", false),
    ])
    func greyModesStayGrey(file: String, grey: Bool) throws {
        let image = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/\(file)").path).image
        var allGrey = true
        for index in stride(from: 0, to: image.pixels.count, by: 3)
        where image.pixels[index] != image.pixels[index + 1] || image.pixels[index] != image.pixels[index + 2] {
            allGrey = false
            break
        }
        #expect(allGrey == grey, "\(file)")
    }

    @Test func oneBitImageIsBlackAndWhite() throws {
        let image = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/images/modes/1.png").path).image
        #expect(Set(image.pixels) == [0, 255])
    }
}

/// JPEG and PNG decodes against the PPMs made from the same files by ImageMagick at native size
/// (`derived_from` in `expected/pixels-core.csv`). PNG must be exact; JPEG may differ by a few levels
/// between libjpeg builds, although ImageMagick used libjpeg-turbo 2.1.5 like this machine.
@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/expected/pixels-core.csv"), "PDQ vectors not found"))
struct PixelVectorComparisonTests {
    static let rows: [[String: String]] = ((try? VectorCSV("pdq/expected/pixels-core.csv").rows) ?? []).filter {
        ($0["how"] ?? "").contains("at native size") && !($0["derived_from"] ?? "").isEmpty
    }

    @Test func nativeSizeRowsExist() {
        #expect(Self.rows.count >= 10)
        #expect(Self.rows.contains { $0["derived_from"]?.hasSuffix(".png") == true })
    }

    @Test(arguments: rows)
    func matchesImageMagickDecode(row: [String: String]) throws {
        let source = try #require(row["derived_from"])
        let ppm = try #require(row["file"])
        let decoded = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/\(source)").path).image
        let reference = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/\(ppm)").path).image
        try #require(decoded.width == reference.width && decoded.height == reference.height, "\(source)")
        if source.hasSuffix(".png") {
            let differing = zip(decoded.pixels, reference.pixels).filter { $0 != $1 }.count
            #expect(differing == 0, "\(source): PNG decode must be exact")
        } else {
            let worst = Fixtures.maxChannelDifference(decoded.pixels, reference.pixels)
            let mean = Fixtures.meanChannelDifference(decoded.pixels, reference.pixels)
            #expect(worst <= 4 && mean < 0.5, "\(source): max \(worst), mean \(mean)")
            print("JPEG vs ImageMagick PPM, \(source): max channel difference \(worst), mean \(mean)")
        }
    }

    /// The reference PPMs themselves decode to their listed sizes (the PPM decoder on real vectors).
    @Test func everyPixelVectorDecodes() throws {
        for row in (try VectorCSV("pdq/expected/pixels-core.csv")).rows {
            let file = try #require(row["file"])
            let image = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/\(file)").path).image
            #expect(image.width == Int(row["width"] ?? "") && image.height == Int(row["height"] ?? ""), "\(file)")
        }
    }
}
