/// Computes PDQ perceptual hashes, bit-exact with Meta's reference core (PDQ spec §3–§13).
///
/// ```swift
/// let hasher = PDQHasher()
/// let result = try hasher.hash(rgb: pixels, width: 640, height: 480)
/// print(result.hash, result.quality)
/// ```
///
/// Given the same decoded pixels, the hash, quality and dihedral variants equal the reference C++
/// library's (`pdqHash256FromFloatLuma`, `pdqDihedralHash256esFromFloatLuma`) bit for bit; the
/// conformance tests check every vector in `pdq/expected/pixels-core.csv`.
public struct PDQHasher: Sendable {
    /// How to hash.
    public struct Configuration: Sendable, Hashable {
        /// The reference command-line tool's nearest-neighbour resize to exactly 512×512 of any image
        /// wider or taller than 512 (spec §4). Off by default: HMA, python-threatexchange and shared
        /// hash lists hash at full resolution. Turn it on only to cross-check against the C++ tool.
        public var preResizeTo512: Bool

        /// Which implementation of the box filter to run. Both give identical bits.
        public var implementation: Implementation

        public init(preResizeTo512: Bool = false, implementation: Implementation = .fast) {
            self.preResizeTo512 = preResizeTo512
            self.implementation = implementation
        }
    }

    /// The box-filter implementation (spec §6).
    public enum Implementation: Sendable, Hashable {
        /// Row-by-row vertical pass and only the work the 64×64 result depends on (the default).
        case fast
        /// The reference's plain loops, including the column walks with a stride of the image width.
        /// For cross-checking and as the benchmark's baseline.
        case referenceOrder
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    // MARK: - Hashing

    /// The PDQ hash and quality of float luma (spec §4–§9).
    ///
    /// Images smaller than 5 pixels in either dimension hash to zero with quality 0 (spec §5).
    /// As in the reference, an input of exactly 64×64 skips the filter (spec §6).
    public func hash(_ luma: PDQLuma) -> PDQResult {
        let luma = prepared(luma)
        guard !Self.isDegenerate(luma) else { return PDQResult(hash: .zero, quality: 0) }
        let buffer = (luma.width == 64 && luma.height == 64) ? luma.values : filtered(luma)
        return PDQResult(
            hash: PDQTransform.threshold(PDQTransform.dct16(buffer)),
            quality: PDQTransform.quality(buffer)
        )
    }

    /// The PDQ hash and quality of interleaved 8-bit RGB, row-major (spec §3 luma, then ``hash(_:)-(PDQLuma)``).
    ///
    /// - Throws: ``PDQError`` when `rgb.count != width × height × 3` or the sizes are invalid.
    public func hash(rgb: some Collection<UInt8>, width: Int, height: Int) throws(PDQError) -> PDQResult {
        hash(try luma(rgb: rgb, width: width, height: height))
    }

    /// The hash, its seven dihedral variants (spec §12) and the quality.
    ///
    /// Like the reference's dihedral entry point this always filters, even a 64×64 input.
    public func hashWithDihedrals(_ luma: PDQLuma) -> PDQDihedralResult {
        let luma = prepared(luma)
        guard !Self.isDegenerate(luma) else {
            return PDQDihedralResult(hashes: Array(repeating: .zero, count: 8), quality: 0)
        }
        let buffer = filtered(luma)
        let matrices = PDQTransform.dihedralMatrices(PDQTransform.dct16(buffer))
        return PDQDihedralResult(hashes: matrices.map(PDQTransform.threshold), quality: PDQTransform.quality(buffer))
    }

    /// ``hashWithDihedrals(_:)-(PDQLuma)`` of interleaved 8-bit RGB, row-major.
    ///
    /// - Throws: ``PDQError`` when `rgb.count != width × height × 3` or the sizes are invalid.
    public func hashWithDihedrals(rgb: some Collection<UInt8>, width: Int, height: Int) throws(PDQError) -> PDQDihedralResult {
        hashWithDihedrals(try luma(rgb: rgb, width: width, height: height))
    }

    /// The 64×64 buffer and 16×16 DCT that ``hash(_:)-(PDQLuma)`` thresholds, or nil below the
    /// 5-pixel minimum (spec §5), where the reference computes neither.
    public func intermediates(_ luma: PDQLuma) -> PDQIntermediates? {
        let luma = prepared(luma)
        guard !Self.isDegenerate(luma) else { return nil }
        let buffer = (luma.width == 64 && luma.height == 64) ? luma.values : filtered(luma)
        return PDQIntermediates(luma64: buffer, dct16: PDQTransform.dct16(buffer))
    }

    // MARK: - Steps

    private func luma(rgb: some Collection<UInt8>, width: Int, height: Int) throws(PDQError) -> PDQLuma {
        guard configuration.preResizeTo512, width > 512 || height > 512 else {
            return try PDQLuma(rgb: rgb, width: width, height: height)
        }
        // Only the 512×512 sampled pixels' luma is needed: select first, then convert (same values).
        let count = try PDQLuma.sampleCount(width: width, height: height, channels: 3)
        guard rgb.count == count else { throw .sampleCountMismatch }
        let pixels = Array(rgb)
        var selected = [UInt8](repeating: 0, count: 512 * 512 * 3)
        for y in 0..<512 {
            let sourceRow = (y * height / 512) * width
            for x in 0..<512 {
                let source = 3 * (sourceRow + x * width / 512)
                let target = 3 * (y * 512 + x)
                selected[target] = pixels[source]
                selected[target + 1] = pixels[source + 1]
                selected[target + 2] = pixels[source + 2]
            }
        }
        return PDQLuma(unchecked: 512, height: 512, values: PDQLuma.luma(rgb: selected, width: 512, height: 512))
    }

    private func prepared(_ luma: PDQLuma) -> PDQLuma {
        configuration.preResizeTo512 ? luma.preResizedTo512() : luma
    }

    private static func isDegenerate(_ luma: PDQLuma) -> Bool {
        luma.width < 5 || luma.height < 5
    }

    private func filtered(_ luma: PDQLuma) -> [Float] {
        switch configuration.implementation {
        case .fast: PDQBoxFilter.fast(luma)
        case .referenceOrder: PDQBoxFilter.referenceOrder(luma)
        }
    }
}
