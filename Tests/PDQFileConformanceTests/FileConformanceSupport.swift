import Foundation
import ImageDecoding
import PerceptualHash
import TestVectors

/// The file-level pipeline under test: ImageDecoder (defaults: no EXIF rotation) then PDQHasher.
enum FilePipeline {
    static func hash(file: String, preResizeTo512: Bool) throws -> PDQDihedralResult {
        let decoded = try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/\(file)").path)
        return PDQHasher(configuration: .init(preResizeTo512: preResizeTo512)).hashWithDihedrals(decoded.image)
    }

    /// Columns of the expected files, in the reference's order (spec §12).
    static let dihedralColumns: [(PDQDihedral, String)] = [
        (.original, "hash"), (.rot90, "rot90"), (.rot180, "rot180"), (.rot270, "rot270"),
        (.flipX, "flipx"), (.flipY, "flipy"), (.flipPlus1, "flipplus1"), (.flipMinus1, "flipminus1"),
    ]

    /// The largest distance over the eight columns, or nil if a column is missing or malformed.
    static func worstDistance(_ result: PDQDihedralResult, _ row: [String: String]) -> Int? {
        var worst = 0
        for (variant, column) in dihedralColumns {
            guard let text = row[column], let expected = PDQHash(hex: text) else { return nil }
            worst = max(worst, result[variant].distance(to: expected))
        }
        return worst
    }
}
