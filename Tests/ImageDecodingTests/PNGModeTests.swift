import ImageDecoding
import Testing

/// Every PNG colour type and depth becomes the right 8-bit RGB (synthetic files written by libpng).
@Suite struct PNGModeTests {
    // PNG colour types (ISO 15948 §11.2.2).
    static let grey: Int32 = 0, rgb: Int32 = 2, palette: Int32 = 3, greyAlpha: Int32 = 4, rgba: Int32 = 6
    let decoder = ImageDecoder()

    @Test(arguments: [false, true])
    func rgbRoundTrips(interlaced: Bool) throws {
        let pixels = Fixtures.picture(width: 37, height: 23)
        let png = Fixtures.png(rows: pixels, width: 37, height: 23, colorType: Self.rgb, bitDepth: 8, interlaced: interlaced)
        let decoded = try decoder.decode(png)
        #expect(decoded.format == .png)
        let same = decoded.image.pixels == pixels
        #expect(same)
    }

    @Test(arguments: [false, true])
    func rgbaDropsAlphaWithoutCompositing(interlaced: Bool) throws {
        // Fully transparent pixels keep their stored colour, as ImageMagick's PNM output and pdqhash do.
        let rgba: [UInt8] = [255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255, 10, 20, 30, 0]
        let png = Fixtures.png(rows: rgba, width: 2, height: 2, colorType: Self.rgba, bitDepth: 8, interlaced: interlaced)
        #expect(try decoder.decode(png).image.pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30])
    }

    @Test(arguments: [false, true])
    func greyAndGreyAlpha(interlaced: Bool) throws {
        let grey = Fixtures.png(rows: [0, 77, 200, 255], width: 2, height: 2, colorType: Self.grey, bitDepth: 8, interlaced: interlaced)
        #expect(try decoder.decode(grey).image.pixels == [0, 0, 0, 77, 77, 77, 200, 200, 200, 255, 255, 255])
        let greyAlpha = Fixtures.png(rows: [9, 0, 99, 255], width: 2, height: 1, colorType: Self.greyAlpha, bitDepth: 8, interlaced: interlaced)
        #expect(try decoder.decode(greyAlpha).image.pixels == [9, 9, 9, 99, 99, 99])
    }

    @Test func subByteGreyIsScaled() throws {
        // 1-bit: 0 -> 0, 1 -> 255. Row of 10 pixels: 1011001110 packed MSB first.
        let oneBit = Fixtures.png(rows: [0b1011_0011, 0b1000_0000], width: 10, height: 1, colorType: Self.grey, bitDepth: 1)
        let bits: [UInt8] = [1, 0, 1, 1, 0, 0, 1, 1, 1, 0]
        #expect(try decoder.decode(oneBit).image.pixels == bits.flatMap { [UInt8](repeating: $0 * 255, count: 3) })
        // 2-bit: 0, 1, 2, 3 -> 0, 85, 170, 255. 4-bit: v * 17.
        let twoBit = Fixtures.png(rows: [0b0001_1011], width: 4, height: 1, colorType: Self.grey, bitDepth: 2)
        #expect(try decoder.decode(twoBit).image.pixels == [0, 85, 170, 255].flatMap { [UInt8](repeating: $0, count: 3) })
        let fourBit = Fixtures.png(rows: [0x0F, 0x7A], width: 4, height: 1, colorType: Self.grey, bitDepth: 4)
        #expect(try decoder.decode(fourBit).image.pixels == [0, 255, 119, 170].flatMap { [UInt8](repeating: $0, count: 3) })
    }

    @Test(arguments: [false, true])
    func paletteIsExpandedNotHashedAsIndices(interlaced: Bool) throws {
        let palette: [UInt8] = [10, 20, 30, 200, 100, 50, 0, 255, 0]
        // 2-bit indices 0, 1, 2, 1 in one byte; tRNS makes entry 1 transparent, which must not matter.
        let png = Fixtures.png(
            rows: [0b0001_1001], width: 4, height: 1, colorType: Self.palette, bitDepth: 2, interlaced: interlaced,
            palette: palette, trns: [255, 0])
        #expect(try decoder.decode(png).image.pixels == [10, 20, 30, 200, 100, 50, 0, 255, 0, 200, 100, 50])
        let eightBit = Fixtures.png(rows: [2, 0], width: 2, height: 1, colorType: Self.palette, bitDepth: 8, palette: palette)
        #expect(try decoder.decode(eightBit).image.pixels == [0, 255, 0, 10, 20, 30])
    }

    @Test(arguments: [false, true])
    func sixteenBitIsScaledNotClipped(interlaced: Bool) throws {
        // Documented choice: floor(v / 257), as ImageMagick (and so the reference CLI) does.
        // Pillow's convert("RGB") clips instead: 300 would become 255 there, 1 here.
        let values = [0, 256, 257, 300, 32896, 65535]
        let rows = values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let grey = Fixtures.png(rows: rows, width: 6, height: 1, colorType: Self.grey, bitDepth: 16, interlaced: interlaced)
        #expect(try decoder.decode(grey).image.pixels == [0, 0, 1, 1, 128, 255].flatMap { [UInt8](repeating: $0, count: 3) })
        let rgb16 = Fixtures.png(rows: rows, width: 2, height: 1, colorType: Self.rgb, bitDepth: 16, interlaced: interlaced)
        #expect(try decoder.decode(rgb16).image.pixels == [0, 0, 1, 1, 128, 255])
        // RGBA: (0, 256, 257, a=300), (32896, 65535, 0, a=256).
        let rgba16 = Fixtures.png(rows: rows + rows[0..<4], width: 2, height: 1, colorType: Self.rgba, bitDepth: 16)
        #expect(try decoder.decode(rgba16).image.pixels == [0, 0, 1, 128, 255, 0])
    }

    @Test func readsEXIFOrientationFromEXIfChunk() throws {
        let png = Fixtures.png(
            rows: Fixtures.picture(width: 3, height: 2), width: 3, height: 2, colorType: Self.rgb, bitDepth: 8,
            exif: Fixtures.exifTIFF(orientation: 8, bigEndian: false))
        let decoded = try decoder.decode(png)
        #expect(decoded.exifOrientation == .left)
        #expect(decoded.image.width == 3)
        let applied = try ImageDecoder(configuration: .init(applyExifOrientation: true)).decode(png)
        #expect(applied.image.width == 2 && applied.image.height == 3 && applied.orientationApplied)
    }
}
