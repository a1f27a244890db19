import CImageShims
import ImageDecoding
import TestVectors
import Testing

/// The default limits and the working-memory budget (security review M2): every decoder's memory is
/// bounded from the header, before it allocates, and a cut stream stops at the first missing data.
@Suite struct DecoderMemoryLimitTests {
    /// The documented defaults: 64 Mi pixels, 256 MiB of working memory, 256 MiB of input.
    @Test func defaultsAreTheDocumentedOnes() {
        let configuration = ImageDecoder.Configuration()
        #expect(configuration.maxPixels == 1 << 26)
        #expect(configuration.maxDecoderMemory == 256 << 20)
        #expect(configuration.maxInputBytes == 256 << 20)
        // 8192 x 8192 is exactly the limit: accepted from the header (then truncated: no raster).
        #expect(throws: ImageDecodingError.truncated) { try ImageDecoder().decode(Array("P6\n8192 8192\n255\n".utf8)) }
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder().decode(Array("P6\n8193 8192\n255\n".utf8)) }
    }

    /// Sides count as at least 64 (the PDQ grid), so a 1-pixel strip cannot make the hasher's
    /// `max(width, 64) * height` float buffer 64 times larger than the limit allows.
    @Test func narrowStripsCountAsAtLeast64PixelsWide() throws {
        let strip = Fixtures.ppm(width: 1, height: 1000, samples: [Int](repeating: 9, count: 3000))
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder(configuration: .init(maxPixels: 10_000)).decode(strip) }
        #expect(try ImageDecoder(configuration: .init(maxPixels: 64_000)).decode(strip).image.height == 1000)
        let tall = Fixtures.ppm(width: 1000, height: 1, samples: [Int](repeating: 9, count: 3000))
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder(configuration: .init(maxPixels: 10_000)).decode(tall) }
    }

    /// A 16x16 JPEG whose frame header claims 2000x2000, cut a few bytes into its scan: libjpeg would
    /// pad all 2000 rows with invented grey before anyone noticed. The shim stops at the first padded
    /// row, so the last rows of the caller's buffer are never written.
    @Test func aCutJPEGStopsAtTheFirstPaddedRow() throws {
        var jpeg = Fixtures.jpeg(Fixtures.picture(width: 16, height: 16), width: 16, height: 16)
        let sof = try #require(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0x07, 0xD0, 0x07, 0xD0])  // 2000 x 2000
        let sos = try #require(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA })
        let scanStart = sos + 2 + (Int(jpeg[sos + 2]) << 8 | Int(jpeg[sos + 3]))
        let cut = Array(jpeg.prefix(scanStart + 4))

        let side = 2000
        let sentinel: UInt8 = 0x5A
        var output = [UInt8](repeating: sentinel, count: side * side * 3)
        let status = cut.withUnsafeBufferPointer { input -> Int32 in
            var reader: OpaquePointer?
            var info = ll_jpeg_info()
            let opened = ll_jpeg_open(input.baseAddress, input.count, Int.max, 500, &reader, &info)
            guard opened == 0, let reader else { return opened }
            defer { ll_jpeg_close(reader) }
            return output.withUnsafeMutableBufferPointer { ll_jpeg_read_rgb(reader, $0.baseAddress) }
        }
        #expect(status == Int32(LL_ERR_TRUNCATED.rawValue))
        let lastRows = output[((side - 16) * side * 3)...]
        #expect(lastRows.allSatisfy { $0 == sentinel }, "rows past the data were decoded from padding")
        #expect(throws: ImageDecodingError.truncated) { try ImageDecoder().decode(cut) }
    }

    /// libjpeg's whole-image coefficient arrays (progressive files) count against the budget.
    @Test func progressiveJPEGCoefficientsCountAgainstTheBudget() throws {
        let jpeg = Fixtures.jpeg(Fixtures.picture(width: 256, height: 256), width: 256, height: 256, progressive: true)
        #expect(throws: ImageDecodingError.tooLarge) {
            try ImageDecoder(configuration: .init(maxDecoderMemory: 64 << 10)).decode(jpeg)
        }
        #expect(try ImageDecoder().decode(jpeg).image.width == 256)
    }

    /// libpng's row buffers (16-bit RGBA: 8 bytes per pixel of a row, twice) and the shim's scratch
    /// (a whole interlaced image) count against the budget.
    @Test func pngRowBuffersAndInterlaceScratchCountAgainstTheBudget() throws {
        let wide = Fixtures.png(rows: [0] + [UInt8](repeating: 0x80, count: 40_000 * 8 - 1), width: 40_000, height: 1, colorType: 6, bitDepth: 16)
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder(configuration: .init(maxDecoderMemory: 512 << 10)).decode(wide) }
        #expect(try ImageDecoder().decode(wide).image.width == 40_000)

        let interlaced = Fixtures.png(
            rows: [UInt8](repeating: 0x40, count: 256 * 256 * 8), width: 256, height: 256, colorType: 6, bitDepth: 16, interlaced: true)
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder(configuration: .init(maxDecoderMemory: 256 << 10)).decode(interlaced) }
        #expect(try ImageDecoder(configuration: .init(maxDecoderMemory: 1 << 20)).decode(interlaced).image.width == 256)
    }

    /// An animation needs two RGBA canvases (8 bytes per canvas pixel) in libwebp before its first
    /// frame: refused from the header when they do not fit; a still image of the same size is not.
    @Test(.enabled(if: TestVectors.availableOrWarn("pdq/images/modes"), "PDQ vectors not found"))
    func webPAnimationCanvasesCountAgainstTheBudget() throws {
        let still = try Fixtures.bytes("pdq/images/modes/PA.webp")
        let frame = try #require(WebPDecoderTests.imageChunks(still))
        let image = try ImageDecoder().decode(still).image
        let (width, height) = (image.width, image.height)
        func le(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        func chunk(_ tag: String, _ payload: [UInt8]) -> [UInt8] {
            Array(tag.utf8) + le(payload.count, 4) + payload + (payload.count % 2 == 1 ? [0] : [])
        }
        let body = Array("WEBP".utf8) + chunk("VP8X", [0x12, 0, 0, 0] + le(width - 1, 3) + le(height - 1, 3))
            + chunk("ANIM", [0, 0, 0, 0, 0, 0])
            + chunk("ANMF", le(0, 3) + le(0, 3) + le(width - 1, 3) + le(height - 1, 3) + le(100, 3) + [0] + frame)
        let animation = Array("RIFF".utf8) + le(body.count, 4) + body

        let tight = ImageDecoder(configuration: .init(maxDecoderMemory: 8 * width * height - 1))
        #expect(throws: ImageDecodingError.tooLarge) { try tight.decode(animation) }
        let enough = ImageDecoder(configuration: .init(maxDecoderMemory: 8 * width * height))
        let same = try enough.decode(animation).image == image
        #expect(same)
        let stillFits = try tight.decode(still).image == image
        #expect(stillFits)
    }
}
