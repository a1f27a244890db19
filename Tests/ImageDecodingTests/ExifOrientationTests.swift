import Foundation
import ImageDecoding
import TestVectors
import Testing

@Suite struct ExifOrientationTests {
    /// A 3x2 image whose pixels are numbered 0...5 in the red channel:
    ///     0 1 2
    ///     3 4 5
    static let numbered = RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })!

    static func reds(_ image: RGBImage) -> [[UInt8]] {
        (0..<image.height).map { y in (0..<image.width).map { x in image[x, y].red } }
    }

    /// The displayed image for every orientation, drawn by hand from the EXIF 2.3 table.
    @Test(
        arguments: [
            (ExifOrientation.up, [[0, 1, 2], [3, 4, 5]]),
            (.upMirrored, [[2, 1, 0], [5, 4, 3]]),
            (.down, [[5, 4, 3], [2, 1, 0]]),
            (.downMirrored, [[3, 4, 5], [0, 1, 2]]),
            (.leftMirrored, [[0, 3], [1, 4], [2, 5]]),
            (.right, [[3, 0], [4, 1], [5, 2]]),
            (.rightMirrored, [[5, 2], [4, 1], [3, 0]]),
            (.left, [[2, 5], [1, 4], [0, 3]]),
        ] as [(ExifOrientation, [[UInt8]])])
    func applyingOrientationMovesPixels(orientation: ExifOrientation, expected: [[UInt8]]) {
        let displayed = Self.numbered.applyingOrientation(orientation)
        #expect(Self.reds(displayed) == expected)
        #expect(displayed.width == (orientation.swapsDimensions ? 2 : 3))
    }

    @Test(arguments: 1...8)
    func tiffReaderReadsBothByteOrders(value: Int) {
        #expect(ExifOrientation(exifTIFF: Fixtures.exifTIFF(orientation: value, bigEndian: true))?.rawValue == value)
        #expect(ExifOrientation(exifTIFF: Fixtures.exifTIFF(orientation: value, bigEndian: false))?.rawValue == value)
    }

    @Test func tiffReaderRejectsMalformedBlocks() {
        #expect(ExifOrientation(exifTIFF: Fixtures.exifTIFF(orientation: 0)) == nil)
        #expect(ExifOrientation(exifTIFF: Fixtures.exifTIFF(orientation: 9)) == nil)
        #expect(ExifOrientation(exifTIFF: [UInt8]()) == nil)
        #expect(ExifOrientation(exifTIFF: Array("MM\0*\u{7f}\u{ff}\u{ff}\u{ff}".utf8)) == nil)  // IFD far out of range
        let block = Fixtures.exifTIFF(orientation: 6)
        for cut in 0..<block.count - 4 {  // the value sits in the last 6 bytes before the next-IFD link
            _ = ExifOrientation(exifTIFF: block.prefix(cut))
        }
        #expect(ExifOrientation(exifTIFF: block.prefix(block.count - 8)) == nil)
    }

    /// Lengths and offsets with the top bit set (security review L9): read as unsigned and refused,
    /// never negative. On 64-bit targets the old code also gave nil (the trap was 32-bit only), so
    /// this guards the arithmetic rather than reproducing the trap.
    @Test func topBitLengthsAndOffsetsGiveNil() {
        #expect(ExifOrientation(exifTIFF: [0x4D, 0x4D, 0, 42, 0xFF, 0xFF, 0xFF, 0xF0, 0, 0]) == nil)
        #expect(ExifOrientation(exifTIFF: [0x49, 0x49, 42, 0, 0xF0, 0xFF, 0xFF, 0xFF, 0, 0]) == nil)
        let png = Fixtures.png(rows: [1, 2, 3], width: 1, height: 1, colorType: 2, bitDepth: 8)
        let hostile = Array(png[..<33]) + [0xFF, 0xFF, 0xFF, 0xF0] + Array("prVt".utf8) + Array(png[33...])
        #expect(ImageDecoder.exifOrientation(in: hostile) == nil)
        var webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8) + Array("VP8X".utf8) + [0xF0, 0xFF, 0xFF, 0xFF]
        webp += [UInt8](repeating: 0, count: 16)
        #expect(ImageDecoder.exifOrientation(in: webp) == nil)
    }

    @Test(.enabled(if: TestVectors.availableOrWarn("pdq/images/exif-rotn"), "PDQ vectors not found"))
    func phonePhotosReportButDoNotApplyOrientation() throws {
        let six = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/images/exif-rotn/exif-rotn-6.jpg").path)
        #expect(six.exifOrientation == .right)
        #expect(six.image.width == 4032 && six.image.height == 3024)
        let one = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/images/exif-rotn/exif-rotn-1.jpg").path)
        #expect(one.exifOrientation == .up)
        let applied = try ImageDecoder(configuration: .init(applyExifOrientation: true))
            .decode(contentsOf: TestVectors.url("pdq/images/exif-rotn/exif-rotn-6.jpg").path)
        #expect(applied.image.width == 3024 && applied.image.height == 4032)
        let same = applied.image == six.image.applyingOrientation(.right)
        #expect(same)
    }
}
