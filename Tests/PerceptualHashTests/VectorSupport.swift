import Foundation
import ImageDecoding
import TestVectors

/// Decodes the files of `pdq/pixels/` with the library's ``ImageDecoder``.
enum PixelVectors {
    static func load(_ relativePath: String) throws -> RGBImage {
        try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/" + relativePath).path).image
    }

    static func isPNG(_ relativePath: String) -> Bool { relativePath.hasSuffix(".png") }
}

/// Lines of a hash-list file (one hex hash per line; blank lines ignored).
func hashListLines(_ relativePath: String) throws -> [String] {
    String(decoding: try TestVectors.data(relativePath), as: UTF8.self)
        .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
