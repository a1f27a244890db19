import CImageShims
import ImageDecoding
import Testing

/// PNG ancillary chunks (security review H4): libpng must neither inflate nor keep the text and
/// other chunks we do not use, whatever their number and length.
///
/// Memory is measured through the shim's allocator accounting (`ll_png_peak_memory`: every byte
/// libpng allocates), not through process RSS, so the bound is exact and independent of other tests.
@Suite struct PNGChunkLimitTests {
    static let onePixel = Fixtures.png(rows: [10, 20, 30], width: 1, height: 1, colorType: 2, bitDepth: 8)
    /// The per-chunk allocation cap (`LL_PNG_MAX_CHUNK_BYTES`).
    static let chunkCap = Int(LL_PNG_MAX_CHUNK_BYTES)

    /// Status of reading the header of `png`, and the most memory libpng held while doing it.
    static func headerPeakMemory(_ png: [UInt8]) -> (status: Int32, peak: Int) {
        png.withUnsafeBufferPointer { buffer in
            var reader: OpaquePointer?
            var info = ll_png_info()
            let status = ll_png_open(buffer.baseAddress, buffer.count, Int.max, &reader, &info)
            defer { ll_png_close(reader) }
            return (status, reader.map { ll_png_peak_memory($0) } ?? 0)
        }
    }

    /// 12 chunks of 500,000 text bytes each (under the per-chunk cap): 6 MB that libpng would
    /// otherwise inflate and keep for a 1x1 image. The zTXt and iTXt files are about 40 KB.
    @Test(arguments: ["zTXt", "iTXt", "tEXt"])
    func textChunksAreNeitherInflatedNorKept(type: String) throws {
        let textLength = 500_000
        let keyword = Array("Comment".utf8)
        let data: [UInt8]
        switch type {
        case "zTXt": data = keyword + [0, 0] + PNGChunks.zlibRepeating(0x41, count: textLength)
        // keyword, NUL, compressed, method 0, empty language tag, empty translated keyword.
        case "iTXt": data = keyword + [0, 1, 0, 0, 0] + PNGChunks.zlibRepeating(0x41, count: textLength)
        default: data = keyword + [0] + [UInt8](repeating: 0x41, count: textLength)
        }
        let png = PNGChunks.inserting(Array(repeating: PNGChunks.chunk(type, data), count: 12), into: Self.onePixel)

        let (status, peak) = Self.headerPeakMemory(png)
        #expect(status == 0)
        #expect(peak < 256 << 10, "libpng held \(peak) bytes while reading the header of a 1x1 \(type) file")
        #expect(try ImageDecoder().decode(png).image.pixels == [10, 20, 30])
    }

    /// Chunks far over the per-chunk cap are skipped in small reads: the image still decodes (bulky
    /// metadata must not hide a picture from hashing) and nothing of their size is allocated.
    @Test func chunksOverTheCapAreSkippedWithoutAllocating() throws {
        let big = 4 * Self.chunkCap
        let chunks = [
            PNGChunks.chunk("tEXt", Array("XML:com.adobe.xmp".utf8) + [0] + [UInt8](repeating: 0x20, count: big)),
            PNGChunks.chunk("iCCP", Array("icc".utf8) + [0, 0] + PNGChunks.zlibRepeating(0x41, count: 2 * big)),
            PNGChunks.chunk("eXIf", [UInt8](repeating: 0, count: big)),
            PNGChunks.chunk("prVt", [UInt8](repeating: 7, count: big)),
        ]
        let png = PNGChunks.inserting(chunks, into: Self.onePixel)
        let (status, peak) = Self.headerPeakMemory(png)
        #expect(status == 0)
        #expect(peak < 256 << 10, "libpng held \(peak) bytes while reading the header of a 1x1 file")
        #expect(try ImageDecoder().decode(png).image.pixels == [10, 20, 30])
    }
}
