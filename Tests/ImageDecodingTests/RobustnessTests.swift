import Foundation
import ImageDecoding
import TestVectors
import Testing

/// Hostile input: every failure is a typed error, never a crash, hang or huge allocation.
@Suite struct RobustnessTests {
    /// Small files of every format: synthetic ones always, plus small vector files when present.
    static func samples() throws -> [(String, [UInt8])] {
        let pixels = Fixtures.picture(width: 20, height: 12)
        var samples: [(String, [UInt8])] = [
            ("jpeg", Fixtures.jpeg(pixels, width: 20, height: 12)),
            ("jpeg-progressive", Fixtures.jpeg(pixels, width: 20, height: 12, progressive: true)),
            ("png", Fixtures.png(rows: pixels, width: 20, height: 12, colorType: 2, bitDepth: 8)),
            ("png-interlaced", Fixtures.png(rows: pixels, width: 20, height: 12, colorType: 2, bitDepth: 8, interlaced: true)),
            ("ppm", Fixtures.ppm(width: 20, height: 12, samples: pixels.map(Int.init))),
        ]
        for file in ["images/misc-images/wee.jpg", "images/labelme-subset/q0003.jpg"] where TestVectors.isAvailable("pdq/\(file)") {
            samples.append((file, try Fixtures.bytes("pdq/\(file)")))
        }
        if TestVectors.isAvailable("pdq/images/modes/PA.webp") {
            samples.append(("webp", try Fixtures.bytes("pdq/images/modes/PA.webp")))
        }
        return samples
    }

    @Test func truncationAtManyCutPointsIsATypedError() throws {
        let decoder = ImageDecoder()
        for (name, bytes) in try Self.samples() {
            let whole = try decoder.decode(bytes).image
            var cuts = Set(0..<min(bytes.count, 64))
            var generator = SplitMix64(state: UInt64(bytes.count))
            for _ in 0..<40 { cuts.insert(Int.random(in: 0..<bytes.count, using: &generator)) }
            for cut in cuts.sorted() where cut < bytes.count - 2 {
                do {
                    // Cutting only what follows the pixel data (PNG's IEND, JPEG's EOI) may decode, but
                    // never to different pixels: no silently partial image.
                    let partial = try decoder.decode(Array(bytes.prefix(cut))).image
                    let same = partial == whole
                    #expect(same, "\(name) cut at \(cut) of \(bytes.count) decoded to a different image")
                } catch {
                    #expect(
                        error == .truncated || error == .corrupt || error == .unknownFormat,
                        "\(name) cut at \(cut): \(error)")
                }
            }
        }
    }

    @Test func corruptedBytesNeverCrash() throws {
        let decoder = ImageDecoder(configuration: .init(maxPixels: 1 << 22))
        var generator = SplitMix64(state: 42)
        for (_, original) in try Self.samples() {
            for round in 0..<60 {
                var bytes = original
                let flips = 1 + round % 8
                for _ in 0..<flips {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                // Either outcome is fine; what matters is that we get one.
                _ = try? decoder.decode(bytes)
            }
        }
    }

    @Test func randomBytesAreRejected() {
        var generator = SplitMix64(state: 7)
        for length in [0, 1, 2, 3, 8, 100, 5000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: ImageDecodingError.self) { try ImageDecoder().decode(bytes) }
        }
        #expect(throws: ImageDecodingError.unknownFormat) { try ImageDecoder().decode(Array("hello, world".utf8)) }
        #expect(throws: ImageDecodingError.unsupported) { try ImageDecoder().decode(Array("GIF89a\u{1}\u{0}".utf8)) }
        #expect(throws: ImageDecodingError.truncated) { try ImageDecoder().decode([]) }
    }

    /// Headers claiming 100000 x 100000 pixels are refused before any pixel memory is allocated.
    @Test func decompressionBombsAreRefusedFromTheHeader() throws {
        // PNG: a valid 1x1 file with its IHDR rewritten (CRC fixed up).
        var png = Fixtures.png(rows: [1, 2, 3], width: 1, height: 1, colorType: 2, bitDepth: 8)
        for offset in [16, 20] { png.replaceSubrange(offset..<(offset + 4), with: [0x00, 0x01, 0x86, 0xA0]) }  // 100000
        png.replaceSubrange(29..<33, with: crc32(png[12..<29]))
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder().decode(png) }
        // Even with no pixel limit at all, 2^31-1 squared is refused rather than overflowing a byte count.
        for offset in [16, 20] { png.replaceSubrange(offset..<(offset + 4), with: [0x7F, 0xFF, 0xFF, 0xFF]) }
        png.replaceSubrange(29..<33, with: crc32(png[12..<29]))
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder(configuration: .init(maxPixels: .max)).decode(png) }
        // 10^18 pixels still fit the byte arithmetic: with no limit this is only a truncated raster.
        #expect(throws: ImageDecodingError.truncated) {
            try ImageDecoder(configuration: .init(maxPixels: .max)).decode(Array("P6\n999999999 999999999\n65535\n".utf8))
        }

        // JPEG: SOF0 height and width rewritten.
        var jpeg = Fixtures.jpeg(Fixtures.picture(width: 8, height: 8), width: 8, height: 8)
        let sof = try #require(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xEA, 0x60, 0xEA, 0x60])  // 60000 x 60000
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder().decode(jpeg) }
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0xFF, 0xFF, 0xFF])  // beyond libjpeg's 65500
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder().decode(jpeg) }

        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder().decode(Array("P6\n100000 100000\n255\n".utf8)) }

        // A small limit applies to real files too.
        let limited = ImageDecoder(configuration: .init(maxPixels: 100))
        #expect(throws: ImageDecodingError.tooLarge) {
            try limited.decode(Fixtures.jpeg(Fixtures.picture(width: 11, height: 10), width: 11, height: 10))
        }
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder(configuration: .init(maxInputBytes: 10)).decode(png) }
    }

    @Test func fileErrorsAreIOErrors() {
        #expect(throws: ImageDecodingError.io) { try ImageDecoder().decode(contentsOf: "/nonexistent/letterlock/image.jpg") }
        #expect(throws: ImageDecodingError.io) { try ImageDecoder().decode(contentsOf: "/") }
    }

    @Test func errorDescriptionsCarryNoInput() {
        do {
            _ = try ImageDecoder().decode(contentsOf: "/nonexistent/secret-name.jpg")
        } catch {
            #expect(!error.description.contains("secret-name"))
        }
    }

    private func crc32(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        return [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
    }
}
