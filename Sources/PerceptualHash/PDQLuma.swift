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

    /// Spec §3. The three products are looked up in tables holding exactly the float32 products
    /// `0.299f · Float(v)` etc., so the sums are the same float operations in the same order.
    static func luma(rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int) -> [Float] {
        let count = width * height
        precondition(rgb.count == count * 3)
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            LumaTables.shared.withTables { red, green, blue in
                for index in 0..<count {
                    let base = 3 * index
                    out[index] = (red[Int(rgb[base])] + green[Int(rgb[base + 1])]) + blue[Int(rgb[base + 2])]
                }
            }
            initialized = count
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

/// The float32 products `c · Float(v)` for v in 0...255 and each §3 coefficient.
struct LumaTables: Sendable {
    static let shared = LumaTables()

    private let red: [Float]
    private let green: [Float]
    private let blue: [Float]

    private init() {
        // Float literals: the float32 roundings of 0.299, 0.587, 0.114 (spec §3).
        let cr: Float = 0.299
        let cg: Float = 0.587
        let cb: Float = 0.114
        red = (0..<256).map { cr * Float($0) }
        green = (0..<256).map { cg * Float($0) }
        blue = (0..<256).map { cb * Float($0) }
    }

    func withTables<R>(_ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> R) -> R {
        red.withUnsafeBufferPointer { r in
            green.withUnsafeBufferPointer { g in
                blue.withUnsafeBufferPointer { b in
                    body(r.baseAddress!, g.baseAddress!, b.baseAddress!)
                }
            }
        }
    }
}
