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
        Self.hash(prepared(.luma(luma)), implementation: configuration.implementation)
    }

    /// The PDQ hash and quality of interleaved 8-bit RGB, row-major (spec §3 luma, then ``hash(_:)``).
    ///
    /// - Throws: ``PDQError`` when `rgb.count != width × height × 3` or the sizes are invalid.
    public func hash(rgb: some Collection<UInt8>, width: Int, height: Int) throws(PDQError) -> PDQResult {
        try withPixels(rgb: rgb, width: width, height: height) { Self.hash($0, implementation: configuration.implementation) }
    }

    /// The hash, its seven dihedral variants (spec §12) and the quality.
    ///
    /// Like the reference's dihedral entry point this always filters, even a 64×64 input.
    public func hashWithDihedrals(_ luma: PDQLuma) -> PDQDihedralResult {
        Self.hashWithDihedrals(prepared(.luma(luma)), implementation: configuration.implementation)
    }

    /// ``hashWithDihedrals(_:)`` of interleaved 8-bit RGB, row-major.
    ///
    /// - Throws: ``PDQError`` when `rgb.count != width × height × 3` or the sizes are invalid.
    public func hashWithDihedrals(rgb: some Collection<UInt8>, width: Int, height: Int) throws(PDQError) -> PDQDihedralResult {
        try withPixels(rgb: rgb, width: width, height: height) { Self.hashWithDihedrals($0, implementation: configuration.implementation) }
    }

    /// The 64×64 buffer and 16×16 DCT that ``hash(_:)`` thresholds, or nil below the 5-pixel
    /// minimum (spec §5), where the reference computes neither.
    public func intermediates(_ luma: PDQLuma) -> PDQIntermediates? {
        let pixels = prepared(.luma(luma))
        guard !pixels.isDegenerate else { return nil }
        let buffer = pixels.isExactly64 ? pixels.lumaValues() : pixels.filtered(configuration.implementation)
        return PDQIntermediates(luma64: buffer, dct16: PDQTransform.dct16(buffer))
    }

    // MARK: - Steps

    private static func hash(_ pixels: Pixels, implementation: Implementation) -> PDQResult {
        guard !pixels.isDegenerate else { return PDQResult(hash: .zero, quality: 0) }
        let buffer = pixels.isExactly64 ? pixels.lumaValues() : pixels.filtered(implementation)
        return PDQResult(hash: PDQTransform.threshold(PDQTransform.dct16(buffer)), quality: PDQTransform.quality(buffer))
    }

    private static func hashWithDihedrals(_ pixels: Pixels, implementation: Implementation) -> PDQDihedralResult {
        guard !pixels.isDegenerate else {
            return PDQDihedralResult(hashes: Array(repeating: .zero, count: 8), quality: 0)
        }
        let buffer = pixels.filtered(implementation)
        let matrices = PDQTransform.dihedralMatrices(PDQTransform.dct16(buffer))
        return PDQDihedralResult(hashes: matrices.map(PDQTransform.threshold), quality: PDQTransform.quality(buffer))
    }

    /// Validates RGB input and runs `body` on it (pre-resized if configured), without copying
    /// contiguous input.
    private func withPixels<Result>(
        rgb: some Collection<UInt8>, width: Int, height: Int, _ body: (Pixels) -> Result
    ) throws(PDQError) -> Result {
        let count = try PDQLuma.sampleCount(width: width, height: height, channels: 3)
        guard rgb.count == count else { throw .sampleCountMismatch }
        func run(_ buffer: UnsafeBufferPointer<UInt8>) -> Result {
            guard configuration.preResizeTo512, width > 512 || height > 512 else {
                return body(.rgb(buffer, width: width, height: height))
            }
            let selected = Self.nearestNeighbour512(buffer, width: width, height: height)
            return selected.withUnsafeBufferPointer { body(.rgb($0, width: 512, height: 512)) }
        }
        if let result = rgb.withContiguousStorageIfAvailable(run) { return result }
        return Array(rgb).withUnsafeBufferPointer(run)
    }

    /// Spec §4 on RGB: destination (x, y) takes source (⌊x·W/512⌋, ⌊y·H/512⌋).
    private static func nearestNeighbour512(_ rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int) -> [UInt8] {
        var selected = [UInt8](repeating: 0, count: 512 * 512 * 3)
        for y in 0..<512 {
            let sourceRow = (y * height / 512) * width
            for x in 0..<512 {
                let source = 3 * (sourceRow + x * width / 512)
                let target = 3 * (y * 512 + x)
                selected[target] = rgb[source]
                selected[target + 1] = rgb[source + 1]
                selected[target + 2] = rgb[source + 2]
            }
        }
        return selected
    }

    private func prepared(_ pixels: Pixels) -> Pixels {
        guard configuration.preResizeTo512, case .luma(let luma) = pixels else { return pixels }
        return .luma(luma.preResizedTo512())
    }
}

/// The input of one hashing call: float luma, or 8-bit RGB whose luma is computed as the filter needs it.
private enum Pixels {
    case luma(PDQLuma)
    case rgb(UnsafeBufferPointer<UInt8>, width: Int, height: Int)

    var width: Int {
        switch self {
        case .luma(let luma): luma.width
        case .rgb(_, let width, _): width
        }
    }

    var height: Int {
        switch self {
        case .luma(let luma): luma.height
        case .rgb(_, _, let height): height
        }
    }

    /// Spec §5.
    var isDegenerate: Bool { width < 5 || height < 5 }

    /// Spec §6: the reference's non-dihedral path copies a 64×64 input without filtering.
    var isExactly64: Bool { width == 64 && height == 64 }

    func lumaValues() -> [Float] {
        switch self {
        case .luma(let luma): luma.values
        case .rgb(let rgb, let width, let height): PDQLuma.luma(rgb: rgb, width: width, height: height)
        }
    }

    /// Spec §6: the filtered, decimated 64×64 buffer.
    func filtered(_ implementation: PDQHasher.Implementation) -> [Float] {
        switch (implementation, self) {
        case (.fast, .luma(let luma)): PDQBoxFilter.fast(luma)
        case (.fast, .rgb(let rgb, let width, let height)): PDQBoxFilter.fast(rgb: rgb, width: width, height: height)
        case (.referenceOrder, .luma(let luma)): PDQBoxFilter.referenceOrder(luma)
        case (.referenceOrder, .rgb(let rgb, let width, let height)):
            PDQBoxFilter.referenceOrder(PDQLuma(unchecked: width, height: height, values: PDQLuma.luma(rgb: rgb, width: width, height: height)))
        }
    }
}
