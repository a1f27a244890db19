import PerceptualHash
import Testing

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Smooth gradients plus noise: enough structure for a quality above 0 and no ties at the median.
func syntheticRGB(width: Int, height: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(state: seed)
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    let fx = Double.random(in: 1...6, using: &generator)
    let fy = Double.random(in: 1...6, using: &generator)
    for y in 0..<height {
        for x in 0..<width {
            let base = 3 * (y * width + x)
            let u = Double(x) / Double(max(width, 1))
            let v = Double(y) / Double(max(height, 1))
            for channel in 0..<3 {
                let wave = 0.5 + 0.25 * (sin(fx * u * 6.283 + Double(channel)) + cos(fy * v * 6.283 * Double(channel + 1)))
                let noise = Double(Int.random(in: -20...20, using: &generator))
                pixels[base + channel] = UInt8(clamping: Int(wave * 235 + noise))
            }
        }
    }
    return pixels
}

private func sin(_ x: Double) -> Double { x.sine }
private func cos(_ x: Double) -> Double { (x + .pi / 2).sine }

extension Double {
    /// Taylor-free sine for test images only (range-reduced, 9th-order polynomial): exactness is irrelevant here.
    fileprivate var sine: Double {
        var x = self.truncatingRemainder(dividingBy: 2 * .pi)
        if x > .pi { x -= 2 * .pi }
        if x < -.pi { x += 2 * .pi }
        if x > .pi / 2 { x = .pi - x }
        if x < -.pi / 2 { x = -.pi - x }
        let x2 = x * x
        return x * (1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72))))
    }
}

@Suite struct PDQHasherTests {
    /// Sizes covering odd and even windows in both directions, 4-row tails, widths below 64,
    /// and the 64×64 no-filter path.
    static let sizes: [(Int, Int)] = [
        (5, 5), (6, 9), (63, 64), (64, 64), (65, 64), (129, 7), (7, 129), (200, 131), (257, 258), (383, 129), (640, 17),
    ]

    @Test(arguments: sizes.indices)
    func fastPathEqualsReferenceOrderBitForBit(index: Int) throws {
        let (width, height) = Self.sizes[index]
        let rgb = syntheticRGB(width: width, height: height, seed: UInt64(index) + 1)
        let luma = try PDQLuma(rgb: rgb, width: width, height: height)
        let fast = PDQHasher()
        let reference = PDQHasher(configuration: .init(implementation: .referenceOrder))
        let a = try #require(fast.intermediates(luma))
        let b = try #require(reference.intermediates(luma))
        #expect(a.luma64.map(\.bitPattern) == b.luma64.map(\.bitPattern))
        #expect(a.dct16.map(\.bitPattern) == b.dct16.map(\.bitPattern))
        #expect(fast.hash(luma) == reference.hash(luma))
        #expect(fast.hashWithDihedrals(luma) == reference.hashWithDihedrals(luma))
    }

    @Test func aNonDegenerateHashHasHalfItsBitsSet() throws {
        let rgb = syntheticRGB(width: 120, height: 90, seed: 7)
        let result = try PDQHasher().hash(rgb: rgb, width: 120, height: 90)
        #expect(result.hash.popcount == 128)
        #expect(result.quality > 50)
    }

    @Test(arguments: [(0, 0), (4, 4), (4, 300), (300, 4), (1, 1)])
    func belowFivePixelsHashesToZeroWithQualityZero(width: Int, height: Int) throws {
        let rgb = [UInt8](repeating: 200, count: width * height * 3)
        let hasher = PDQHasher()
        #expect(try hasher.hash(rgb: rgb, width: width, height: height) == PDQResult(hash: .zero, quality: 0))
        let dihedral = try hasher.hashWithDihedrals(rgb: rgb, width: width, height: height)
        #expect(dihedral.hashes == Array(repeating: PDQHash.zero, count: 8) && dihedral.quality == 0)
        #expect(hasher.intermediates(try PDQLuma(rgb: rgb, width: width, height: height)) == nil)
    }

    @Test func aFlatImageHasQualityZero() throws {
        let rgb = [UInt8](repeating: 90, count: 300 * 200 * 3)
        #expect(try PDQHasher().hash(rgb: rgb, width: 300, height: 200).quality == 0)
    }

    @Test func flipPlus1IsTheHashOfTheTransposedImage() throws {
        // Spec §12: the transpose is the one exact dihedral variant (square, so the grids coincide).
        let side = 96
        let rgb = syntheticRGB(width: side, height: side, seed: 11)
        var transposed = rgb
        for y in 0..<side {
            for x in 0..<side {
                for c in 0..<3 { transposed[3 * (x * side + y) + c] = rgb[3 * (y * side + x) + c] }
            }
        }
        let hasher = PDQHasher()
        let variants = try hasher.hashWithDihedrals(rgb: rgb, width: side, height: side)
        #expect(variants[.flipPlus1] == (try hasher.hash(rgb: transposed, width: side, height: side)).hash)
    }

    @Test func preResizeOnlyAppliesAboveFiveHundredTwelve() throws {
        let small = syntheticRGB(width: 512, height: 300, seed: 3)
        let resizing = PDQHasher(configuration: .init(preResizeTo512: true))
        #expect(try resizing.hash(rgb: small, width: 512, height: 300) == PDQHasher().hash(rgb: small, width: 512, height: 300))

        // Above 512 the result is the hash of the 512×512 nearest-neighbour selection (spec §4).
        let (width, height) = (700, 530)
        let large = syntheticRGB(width: width, height: height, seed: 4)
        var selected = [UInt8]()
        for y in 0..<512 {
            for x in 0..<512 {
                let source = 3 * ((y * height / 512) * width + x * width / 512)
                selected += large[source..<(source + 3)]
            }
        }
        let expected = try PDQHasher().hashWithDihedrals(rgb: selected, width: 512, height: 512)
        #expect(try resizing.hash(rgb: large, width: width, height: height) == expected.original)
        #expect(try resizing.hashWithDihedrals(rgb: large, width: width, height: height) == expected)
        let luma = try PDQLuma(rgb: large, width: width, height: height)
        #expect(resizing.hash(luma) == expected.original)
    }

    /// Spec §3, checked against the expression written out per pixel, on widths that exercise the
    /// four-pixel vector blocks and every length of scalar tail.
    @Test(arguments: [1, 4, 5, 6, 7, 9, 37, 64])
    func lumaIsTheSpecsFloat32Expression(width: Int) throws {
        var generator = SplitMix64(state: UInt64(width))
        var rgb = (0..<(width * 3 * 3)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let extremes: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        rgb.replaceSubrange(0..<min(12, rgb.count), with: extremes.prefix(min(12, rgb.count)))
        let luma = try PDQLuma(rgb: rgb, width: width, height: 3)
        let r: Float = 0.299
        let g: Float = 0.587
        let b: Float = 0.114
        let expected: [Float] = (0..<(width * 3)).map { i in
            (r * Float(rgb[3 * i]) + g * Float(rgb[3 * i + 1])) + b * Float(rgb[3 * i + 2])
        }
        #expect(luma.values.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func malformedInputIsATypedError() {
        #expect(throws: PDQError.sampleCountMismatch) { try PDQLuma(rgb: [1, 2, 3], width: 2, height: 1) }
        #expect(throws: PDQError.invalidDimensions) { try PDQLuma(rgb: [UInt8](), width: -1, height: 0) }
        #expect(throws: PDQError.invalidDimensions) { try PDQLuma(rgb: [UInt8](), width: Int.max, height: 2) }
        #expect(throws: PDQError.sampleCountMismatch) { try PDQLuma(width: 5, height: 5, values: [0]) }
        #expect(throws: PDQError.nonFiniteLuma) {
            try PDQLuma(width: 5, height: 5, values: [Float](repeating: 1, count: 24) + [.nan])
        }
        #expect(throws: PDQError.sampleCountMismatch) { try PDQHasher().hash(rgb: [UInt8](repeating: 0, count: 10), width: 5, height: 5) }
    }

    @Test func extremeFiniteLumaDoesNotTrap() throws {
        var values = [Float](repeating: 0, count: 40 * 40)
        for index in values.indices { values[index] = index.isMultiple(of: 2) ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude }
        let result = PDQHasher().hash(try PDQLuma(width: 40, height: 40, values: values))
        #expect((0...100).contains(result.quality))
    }
}
