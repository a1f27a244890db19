import Foundation
import ImageDecoding
import PerceptualHash
import TestVectors
import Testing

/// Runner for `pdq/intermediates/*.luma64.csv` and `*.dct16.csv`: equal as float32, bit for bit
/// (spec §6 filter and decimation, spec §8 DCT). Each value is printed with `%.9g`, which round-trips.
@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/intermediates")))
struct IntermediatesVectorTests {
    static let pixelFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestVectors.url("pdq/intermediates").path)) ?? []
        return Set(names.compactMap { name -> String? in
            for suffix in [".luma64.csv", ".dct16.csv"] where name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
            return nil
        }).sorted()
    }()
    static var ppm: [String] { pixelFiles.filter { !PixelVectors.isPNG($0) } }
    static var png: [String] { pixelFiles.filter { PixelVectors.isPNG($0) } }

    @Test func fourVectorsArePresent() {
        #expect(Self.pixelFiles.count == 4)
    }

    @Test(arguments: ppm, [PDQHasher.Implementation.fast, .referenceOrder])
    func intermediatesAreBitExact(name: String, implementation: PDQHasher.Implementation) throws {
        try Self.check(name, implementation: implementation)
    }

    @Test(arguments: png, [PDQHasher.Implementation.fast, .referenceOrder])
    func pngIntermediatesAreBitExact(name: String, implementation: PDQHasher.Implementation) throws {
        try Self.check(name, implementation: implementation)
    }

    static func check(_ name: String, implementation: PDQHasher.Implementation) throws {
        let luma = PDQLuma(try PixelVectors.load("pixels/" + name))
        let hasher = PDQHasher(configuration: .init(implementation: implementation))
        let intermediates = try #require(hasher.intermediates(luma))
        let expectedLuma = try floats("pdq/intermediates/\(name).luma64.csv")
        let expectedDCT = try floats("pdq/intermediates/\(name).dct16.csv")
        try #require(expectedLuma.count == 64 * 64 && expectedDCT.count == 16 * 16)
        let lumaMismatches = zip(intermediates.luma64, expectedLuma).filter { $0.bitPattern != $1.bitPattern }.count
        let dctMismatches = zip(intermediates.dct16, expectedDCT).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(lumaMismatches == 0, "64×64 buffer: \(lumaMismatches) of 4096 values differ")
        #expect(dctMismatches == 0, "16×16 DCT: \(dctMismatches) of 256 values differ")
    }

    /// All numbers of a CSV of `%.9g` values, row-major.
    static func floats(_ path: String) throws -> [Float] {
        let text = String(decoding: try TestVectors.data(path), as: UTF8.self)
        return try text.split(whereSeparator: \.isNewline).flatMap { line in
            try line.split(separator: ",").map { field in
                try #require(Float(field.trimmingCharacters(in: .whitespaces)), "unparsable value \(field)")
            }
        }
    }
}
