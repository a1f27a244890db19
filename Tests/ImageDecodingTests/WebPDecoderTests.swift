import Foundation
import ImageDecoding
import TestVectors
import Testing

@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/images/modes"), "PDQ vectors not found"))
struct WebPDecoderTests {
    /// The modes/ WebP files are the bridge photo; they must look like the JPEG original (lossy, so loosely).
    @Test(arguments: ["F.webp", "I.webp", "LAB.webp", "PA.webp"])
    func resemblesTheOriginal(file: String) throws {
        let webp = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/images/modes/\(file)").path)
        let original = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/images/modes/RGB.jpg").path).image
        #expect(webp.format == .webp)
        try #require(webp.image.width == original.width && webp.image.height == original.height)
        #expect(Fixtures.meanChannelDifference(webp.image.pixels, original.pixels) < 25, "\(file)")
    }

    /// An animation gives its first frame: built here by wrapping a still frame into ANIM/ANMF chunks
    /// (RFC 9649 §2.7.1.1) with a second, different frame after it.
    @Test func animationGivesFirstFrame() throws {
        let still = try Fixtures.bytes("pdq/images/modes/PA.webp")
        let frame = try #require(Self.imageChunks(still))
        let stillImage = try ImageDecoder().decode(still).image
        let (width, height) = (stillImage.width, stillImage.height)
        func le(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        func chunk(_ tag: String, _ payload: [UInt8]) -> [UInt8] {
            Array(tag.utf8) + le(payload.count, 4) + payload + (payload.count % 2 == 1 ? [0] : [])
        }
        let vp8x = chunk("VP8X", [0x12, 0, 0, 0] + le(width - 1, 3) + le(height - 1, 3))  // animation + alpha
        let anim = chunk("ANIM", [0, 0, 0, 0] + le(0, 2))
        func anmf(_ frame: [UInt8]) -> [UInt8] {
            chunk("ANMF", le(0, 3) + le(0, 3) + le(width - 1, 3) + le(height - 1, 3) + le(100, 3) + [0] + frame)
        }
        // The second frame is another encoding of the same photo (F.webp): different pixels, so only
        // the first frame can equal PA.webp's own decode.
        let other = try #require(Self.imageChunks(try Fixtures.bytes("pdq/images/modes/F.webp")))
        let otherImage = try ImageDecoder().decode(try Fixtures.bytes("pdq/images/modes/F.webp")).image
        let usable = otherImage != stillImage && otherImage.width == width && otherImage.height == height
        try #require(usable)
        let body = Array("WEBP".utf8) + vp8x + anim + anmf(frame) + anmf(other)
        let file = Array("RIFF".utf8) + le(body.count, 4) + body
        let decoded = try ImageDecoder().decode(file)
        let same = decoded.image == stillImage
        #expect(same)
        #expect(throws: ImageDecodingError.self) { try ImageDecoder().decode(Array(file.prefix(file.count / 2))) }
        #expect(throws: ImageDecodingError.tooLarge) { try ImageDecoder(configuration: .init(maxPixels: 1000)).decode(file) }
    }

    /// The ALPH + VP8, or VP8L, chunks of a still WebP (everything after the RIFF header and VP8X).
    static func imageChunks(_ webp: [UInt8]) -> [UInt8]? {
        var offset = 12
        var result: [UInt8] = []
        while offset + 8 <= webp.count {
            let tag = String(decoding: webp[offset..<(offset + 4)], as: UTF8.self)
            let size = (0..<4).reduce(0) { $0 | Int(webp[offset + 4 + $1]) << (8 * $1) }
            let end = offset + 8 + size + (size & 1)
            guard end <= webp.count else { return nil }
            if ["ALPH", "VP8 ", "VP8L"].contains(tag) { result += webp[offset..<end] }
            offset = end
        }
        return result.isEmpty ? nil : result
    }
}
