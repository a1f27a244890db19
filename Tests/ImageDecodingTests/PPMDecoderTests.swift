import ImageDecoding
import Testing

@Suite struct PPMDecoderTests {
    let decoder = ImageDecoder()

    @Test func decodesEightBitP6() throws {
        let samples = (0..<(4 * 3 * 3)).map { $0 * 7 % 256 }
        let decoded = try decoder.decode(Fixtures.ppm(width: 4, height: 3, samples: samples))
        #expect(decoded.format == .ppm)
        #expect(decoded.image.width == 4 && decoded.image.height == 3)
        #expect(decoded.image.pixels == samples.map(UInt8.init))
        #expect(decoded.exifOrientation == nil)
    }

    @Test func scalesSixteenBitSamplesLikeImageMagick() throws {
        // floor(v / 257): 256 -> 0, 257 -> 1, 32895 -> 127, 32896 -> 128, 65534 -> 254, 65535 -> 255.
        let samples = [256, 257, 32895, 32896, 65534, 65535]
        let decoded = try decoder.decode(Fixtures.ppm(width: 2, height: 1, maxval: 65535, samples: samples))
        #expect(decoded.image.pixels == [0, 1, 127, 128, 254, 255])
    }

    @Test func scalesSmallMaxval() throws {
        let decoded = try decoder.decode(Fixtures.ppm(width: 1, height: 1, maxval: 3, samples: [0, 1, 3]))
        #expect(decoded.image.pixels == [0, 85, 255])
    }

    @Test func readsCommentsAndGreyP5() throws {
        let bytes = Array("P5 # grey\n# another\n2 1 255\n".utf8) + [10, 200]
        let decoded = try decoder.decode(bytes)
        #expect(decoded.image.pixels == [10, 10, 10, 200, 200, 200])
    }

    @Test func rejectsBadInput() {
        #expect(throws: ImageDecodingError.truncated) { try decoder.decode(Array("P6\n2 2\n255\n".utf8) + [1, 2, 3]) }
        #expect(throws: ImageDecodingError.truncated) { try decoder.decode(Array("P6\n2".utf8)) }
        #expect(throws: ImageDecodingError.corrupt) { try decoder.decode(Array("P6\n2 x\n255\n".utf8)) }
        #expect(throws: ImageDecodingError.corrupt) { try decoder.decode(Array("P6\n0 2\n255\n".utf8)) }
        #expect(throws: ImageDecodingError.corrupt) { try decoder.decode(Array("P6\n1 1\n70000\n".utf8)) }
        #expect(throws: ImageDecodingError.corrupt) { try decoder.decode(Fixtures.ppm(width: 1, height: 1, maxval: 100, samples: [0, 101, 0])) }
        #expect(throws: ImageDecodingError.tooLarge) { try decoder.decode(Array("P6\n100000 100000\n255\n".utf8)) }
        #expect(throws: ImageDecodingError.tooLarge) { try decoder.decode(Array("P6\n99999999999 1\n255\n".utf8)) }
        #expect(throws: ImageDecodingError.unsupported) { try decoder.decode(Array("P3\n1 1\n255\n0 0 0\n".utf8)) }
    }
}
