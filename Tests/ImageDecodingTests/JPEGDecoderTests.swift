import ImageDecoding
import Testing

@Suite struct JPEGDecoderTests {
    let decoder = ImageDecoder()

    @Test(arguments: [false, true])
    func rgbRoundTripsWithinCompressionLoss(progressive: Bool) throws {
        let pixels = Fixtures.picture(width: 64, height: 48)
        let jpeg = Fixtures.jpeg(pixels, width: 64, height: 48, quality: 100, progressive: progressive)
        let decoded = try decoder.decode(jpeg)
        #expect(decoded.format == .jpeg)
        #expect(decoded.image.width == 64 && decoded.image.height == 48)
        #expect(Fixtures.meanChannelDifference(decoded.image.pixels, pixels) < 3)
    }

    @Test func greyscaleIsReplicated() throws {
        let grey = (0..<(32 * 16)).map { UInt8(($0 * 3) % 256) }
        let decoded = try decoder.decode(Fixtures.jpeg(grey, width: 32, height: 16, components: 1, quality: 100))
        var expanded: [UInt8] = []
        for index in stride(from: 0, to: decoded.image.pixels.count, by: 3) {
            #expect(decoded.image.pixels[index] == decoded.image.pixels[index + 1])
            #expect(decoded.image.pixels[index] == decoded.image.pixels[index + 2])
            expanded.append(decoded.image.pixels[index])
        }
        #expect(Fixtures.meanChannelDifference(expanded, grey) < 3)
    }

    /// CMYK and YCCK as Adobe (Photoshop, Pillow) store them: inverted, 255 = no ink.
    /// Converted back they must resemble the original RGB, not its negative.
    @Test(arguments: [false, true])
    func adobeCMYKIsConvertedNotInverted(ycck: Bool) throws {
        let width = 40, height = 24
        let rgb = Fixtures.picture(width: width, height: height)
        var cmyk: [UInt8] = []
        for index in stride(from: 0, to: rgb.count, by: 3) {
            // Ink c = 255 - R etc. with black generation k = 255 - max(R, G, B); stored inverted.
            let r = Int(rgb[index]), g = Int(rgb[index + 1]), b = Int(rgb[index + 2])
            let k = 255 - max(r, g, b)
            let scale = { (v: Int) -> Int in k == 255 ? 0 : (255 - v - k) * 255 / (255 - k) }
            cmyk += [255 - scale(r), 255 - scale(g), 255 - scale(b), 255 - k].map(UInt8.init)
        }
        let jpeg = Fixtures.jpeg(cmyk, width: width, height: height, components: 4, ycck: ycck, quality: 100)
        let decoded = try decoder.decode(jpeg).image
        let mean = Fixtures.meanChannelDifference(decoded.pixels, rgb)
        #expect(mean < 4, "mean difference \(mean)")
        let negative = rgb.map { 255 - $0 }
        #expect(Fixtures.meanChannelDifference(decoded.pixels, negative) > 60)
    }

    @Test func cmykWithoutBlackMatchesPillowsConversion() throws {
        // Pillow's convert("CMYK") writes C = 255 - R, K = 0; stored inverted that is the RGB itself,
        // so decoding must give the RGB back (within JPEG loss).
        let rgb = Fixtures.picture(width: 16, height: 16)
        var stored: [UInt8] = []
        for index in stride(from: 0, to: rgb.count, by: 3) { stored += [rgb[index], rgb[index + 1], rgb[index + 2], 255] }
        let decoded = try decoder.decode(Fixtures.jpeg(stored, width: 16, height: 16, components: 4, quality: 100)).image
        #expect(Fixtures.meanChannelDifference(decoded.pixels, rgb) < 3)
    }

    @Test func readsEXIFOrientationWithoutApplyingIt() throws {
        let app1 = Array("Exif".utf8) + [0, 0] + Fixtures.exifTIFF(orientation: 6)
        let pixels = Fixtures.picture(width: 24, height: 16)
        let jpeg = Fixtures.jpeg(pixels, width: 24, height: 16, quality: 100, app1: app1)
        let stored = try decoder.decode(jpeg)
        #expect(stored.exifOrientation == .right)
        #expect(stored.image.width == 24 && stored.image.height == 16)
        #expect(!stored.orientationApplied)
        #expect(ImageDecoder.exifOrientation(in: jpeg) == .right)
        let rotated = try ImageDecoder(configuration: .init(applyExifOrientation: true)).decode(jpeg)
        #expect(rotated.image.width == 16 && rotated.image.height == 24 && rotated.orientationApplied)
        let same = rotated.image == stored.image.applyingOrientation(.right)
        #expect(same)
    }

    @Test func missingEOIMarkerStillDecodes() throws {
        var jpeg = Fixtures.jpeg(Fixtures.picture(width: 32, height: 32), width: 32, height: 32)
        #expect(jpeg.suffix(2) == [0xFF, 0xD9])
        jpeg.removeLast(2)
        #expect(try decoder.decode(jpeg).image.width == 32)
    }
}
