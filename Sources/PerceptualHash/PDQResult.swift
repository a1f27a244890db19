/// A PDQ hash and its quality (PDQ spec §7, §9).
public struct PDQResult: Sendable, Hashable {
    public var hash: PDQHash
    /// 0…100. Upstream recommends discarding hashes with quality below 50 (spec §11).
    public var quality: Int

    public init(hash: PDQHash, quality: Int) {
        self.hash = hash
        self.quality = quality
    }
}

/// The eight dihedral variants of a PDQ hash, in the reference's output order (spec §12).
public enum PDQDihedral: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case original
    /// Rotate 90° counter-clockwise.
    case rot90
    case rot180
    /// Rotate 90° clockwise.
    case rot270
    /// Mirror top↔bottom.
    case flipX
    /// Mirror left↔right.
    case flipY
    /// Transpose (main diagonal): the only variant that is exact.
    case flipPlus1
    /// Anti-transpose.
    case flipMinus1

    /// The reference's name (`rot90`, …, `flipminus1`), as in the vector files' column headers.
    public var description: String {
        switch self {
        case .original: "original"
        case .rot90: "rot90"
        case .rot180: "rot180"
        case .rot270: "rot270"
        case .flipX: "flipx"
        case .flipY: "flipy"
        case .flipPlus1: "flipplus1"
        case .flipMinus1: "flipminus1"
        }
    }
}

/// A PDQ hash with its seven DCT-derived dihedral variants (spec §12) and the quality.
///
/// The variants approximate the hash of the rotated or mirrored image; only ``PDQDihedral/flipPlus1``
/// is exact (spec §12 measures how far the others drift, notably on small images).
public struct PDQDihedralResult: Sendable, Hashable {
    /// Eight hashes indexed by ``PDQDihedral/rawValue``.
    public var hashes: [PDQHash]
    public var quality: Int

    public init(hashes: [PDQHash], quality: Int) {
        precondition(hashes.count == PDQDihedral.allCases.count, "a dihedral result holds exactly eight hashes")
        self.hashes = hashes
        self.quality = quality
    }

    public subscript(variant: PDQDihedral) -> PDQHash {
        hashes[variant.rawValue]
    }

    /// The untransformed hash and quality.
    public var original: PDQResult { PDQResult(hash: hashes[0], quality: quality) }
}

/// The reference's intermediate buffers (spec §6, §8), for conformance testing.
public struct PDQIntermediates: Sendable, Equatable {
    /// The 64×64 buffer after filtering and decimation, row-major.
    public var luma64: [Float]
    /// The 16×16 DCT block, row-major (row = vertical frequency).
    public var dct16: [Float]
}
