import Testing

@testable import PerceptualHash

@Suite struct PDQHashBytesTests {
    @Test func bytesAreTheHexBigEndian() throws {
        let hex = "f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95"
        let hash = try #require(PDQHash(hex: hex))
        let bytes = hash.bytes
        #expect(bytes.count == 32)
        #expect(bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() == hex)
        #expect(PDQHash(bytes: bytes) == hash)
        #expect(PDQHash(bytes: bytes.dropLast()) == nil)
        #expect(PDQHash(bytes: bytes + [0]) == nil)
    }
}
