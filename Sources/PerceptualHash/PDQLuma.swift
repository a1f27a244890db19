/// A float32 luma image: the input of the PDQ core (spec §3–§13).
///
/// Row-major, `width × height` values. Build one from 8-bit RGB with ``init(rgb:width:height:)``
/// (the spec's §3 luma, bit-exact with the reference) or supply your own values with
/// ``init(width:height:values:)``, e.g. to reproduce the reference's intermediate buffers.
public struct PDQLuma: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major luma values, `width × height` of them.
    public let values: [Float]

    /// Wraps float luma values.
    ///
    /// - Throws: ``PDQError/invalidDimensions`` for negative or overflowing sizes,
    ///   ``PDQError/sampleCountMismatch`` unless `values.count == width × height`,
    ///   ``PDQError/nonFiniteLuma`` for NaN or infinite values.
    public init(width: Int, height: Int, values: [Float]) throws(PDQError) {
        let count = try Self.sampleCount(width: width, height: height, channels: 1)
        guard values.count == count else { throw .sampleCountMismatch }
        guard values.allSatisfy({ $0.isFinite }) else { throw .nonFiniteLuma }
        self.init(unchecked: width, height: height, values: values)
    }

    /// Luma of interleaved 8-bit RGB, row-major (spec §3): `Y = (0.299f·R + 0.587f·G) + 0.114f·B`
    /// in float32, evaluated left to right.
    ///
    /// - Throws: ``PDQError/invalidDimensions`` or ``PDQError/sampleCountMismatch`` unless
    ///   `rgb.count == width × height × 3`.
    public init(rgb: some Collection<UInt8>, width: Int, height: Int) throws(PDQError) {
        let count = try Self.sampleCount(width: width, height: height, channels: 3)
        guard rgb.count == count else { throw .sampleCountMismatch }
        let values: [Float]? = rgb.withContiguousStorageIfAvailable { buffer in
            Self.luma(rgb: buffer, width: width, height: height)
        }
        self.init(unchecked: width, height: height, values: values ?? Self.luma(rgb: Array(rgb), width: width, height: height))
    }

    init(unchecked width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }

    static func sampleCount(width: Int, height: Int, channels: Int) throws(PDQError) -> Int {
        guard width >= 0, height >= 0 else { throw .invalidDimensions }
        let (pixels, overflow1) = width.multipliedReportingOverflow(by: height)
        let (samples, overflow2) = pixels.multipliedReportingOverflow(by: channels)
        guard !overflow1, !overflow2 else { throw .invalidDimensions }
        return samples
    }

    static func luma(rgb: [UInt8], width: Int, height: Int) -> [Float] {
        rgb.withUnsafeBufferPointer { luma(rgb: $0, width: width, height: height) }
    }

    /// Spec §3 over a whole buffer.
    static func luma(rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int) -> [Float] {
        let count = width * height
        precondition(rgb.count == count * 3)
        guard count > 0, let base = rgb.baseAddress else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            luma(rgb: base, count: count, into: out.baseAddress!)
            initialized = count
        }
    }

    /// Spec §3 for `count` pixels: `Y = (0.299f·R + 0.587f·G) + 0.114f·B`, float32, left to right.
    /// Swift does not contract this into fused multiply-adds, so each product is rounded as in the reference.
    ///
    /// Four pixels at a time: their 12 bytes are widened to floats in place (R G B R | G B R G | B R G B),
    /// multiplied by the coefficients in the same pattern (so every product is the reference's product),
    /// and the products are then regrouped by channel for the two sums.
    @inline(never)
    static func luma(rgb: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<Float>) {
        let red: Float = 0.299
        let green: Float = 0.587
        let blue: Float = 0.114
        let c0 = SIMD4<Float>(red, green, blue, red)
        let c1 = SIMD4<Float>(green, blue, red, green)
        let c2 = SIMD4<Float>(blue, red, green, blue)
        let raw = UnsafeRawPointer(rgb)
        var index = 0
        // A 16-byte load covers 5⅓ pixels: stop while it stays inside the buffer.
        while index + 6 <= count {
            let bytes = SIMD16<Int32>(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: 3 * index, as: SIMD16<UInt8>.self))
            let p0 = SIMD4<Float>(bytes.lowHalf.lowHalf) * c0
            let p1 = SIMD4<Float>(bytes.lowHalf.highHalf) * c1
            let p2 = SIMD4<Float>(bytes.highHalf.lowHalf) * c2
            let r = SIMD4(p0[0], p0[3], p1[2], p2[1])
            let g = SIMD4(p0[1], p1[0], p1[3], p2[2])
            let b = SIMD4(p0[2], p1[1], p2[0], p2[3])
            UnsafeMutableRawPointer(out + index).storeBytes(of: (r + g) + b, as: SIMD4<Float>.self)
            index += 4
        }
        while index < count {
            let pixel = rgb + 3 * index
            out[index] = (red * Float(pixel[0]) + green * Float(pixel[1])) + blue * Float(pixel[2])
            index += 1
        }
    }

    /// The reference command-line tool's pre-resize (spec §4): when `width > 512` or `height > 512`,
    /// nearest-neighbour to exactly 512×512 (column x ← ⌊x·W/512⌋, row y ← ⌊y·H/512⌋); otherwise unchanged.
    ///
    /// Selecting luma samples equals selecting RGB pixels and then taking luma, since luma is per pixel.
    public func preResizedTo512() -> PDQLuma {
        guard width > 512 || height > 512 else { return self }
        let side = 512
        let resized = values.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: side * side) { out, initialized in
                for y in 0..<side {
                    let sourceRow = (y * height / side) * width
                    for x in 0..<side {
                        out[y * side + x] = source[sourceRow + x * width / side]
                    }
                }
                initialized = side * side
            }
        }
        return PDQLuma(unchecked: side, height: side, values: resized)
    }
}
