internal import Foundation

/// Quality, DCT, median threshold and the dihedral variants (PDQ spec §7–§9, §12).
///
/// All float32, with no fused multiply-add and no reassociation: Swift neither contracts `a + b * c`
/// into an FMA nor reorders float additions, so the loops below perform the spec's operations in the
/// spec's order. Loops are arranged so that the independent index is innermost (vectorisable lanes)
/// and every sum still runs over k = 0…63 in increasing order.
enum PDQTransform {
    /// D (16 × 64, row-major), spec §8: `c = Float(sqrt(2/64))`,
    /// `D[i][j] = Float(Double(c) · cos(((π/2/64) · (i+1)) · (2j+1)))`.
    static let dctMatrix: [Float] = {
        let c = Float((2.0 / 64.0).squareRoot())
        var matrix = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                let angle = ((Double.pi / 2 / 64) * Double(i + 1)) * Double(2 * j + 1)
                matrix[i * 64 + j] = Float(Double(c) * cos(angle))
            }
        }
        return matrix
    }()

    /// Dᵀ (64 × 16, row-major), so that the second product also has its free index innermost.
    static let dctMatrixTransposed: [Float] = {
        var transposed = [Float](repeating: 0, count: 64 * 16)
        for i in 0..<16 {
            for j in 0..<64 { transposed[j * 16 + i] = dctMatrix[i * 64 + j] }
        }
        return transposed
    }()

    /// Spec §7: sum of |trunc(((u − v)·100)/255)| over adjacent pairs, `min(g / 90, 100)`.
    static func quality(_ a: [Float]) -> Int {
        precondition(a.count == 64 * 64)
        var gradient = 0
        for i in 0..<63 {
            for j in 0..<64 {
                let u = a[(i + 1) * 64 + j]
                let v = a[i * 64 + j]
                gradient += truncatedMagnitude(((u - v) * 100) / 255)
            }
        }
        for i in 0..<64 {
            for j in 0..<63 {
                let u = a[i * 64 + j + 1]
                let v = a[i * 64 + j]
                gradient += truncatedMagnitude(((u - v) * 100) / 255)
            }
        }
        return min(gradient / 90, 100)
    }

    /// `|trunc(d)|`, total: luma supplied as floats may be huge enough to overflow the filter's sums,
    /// and a trap on such input is not acceptable (no hash of a real image comes near the clamp).
    @inline(__always)
    static func truncatedMagnitude(_ d: Float) -> Int {
        let magnitude = d.magnitude
        if magnitude < 1e14 { return Int(magnitude) }
        return magnitude.isNaN ? 0 : 100_000_000_000_000  // 8,064 pairs cannot overflow Int
    }

    /// Spec §8: B = (D·a)·Dᵀ, the 16×16 block (row = vertical frequency i+1, column = horizontal j+1).
    static func dct16(_ a: [Float]) -> [Float] {
        precondition(a.count == 64 * 64)
        var t = [Float](repeating: 0, count: 16 * 64)
        var b = [Float](repeating: 0, count: 16 * 16)
        dctMatrix.withUnsafeBufferPointer { d in
            dctMatrixTransposed.withUnsafeBufferPointer { dt in
                a.withUnsafeBufferPointer { a in
                    t.withUnsafeMutableBufferPointer { t in
                        // T[i][j] = Σ_k D[i][k]·a[k][j]
                        for i in 0..<16 {
                            let row = t.baseAddress! + i * 64
                            for k in 0..<64 {
                                let factor = d[i * 64 + k]
                                let source = a.baseAddress! + k * 64
                                for j in 0..<64 { row[j] = row[j] + factor * source[j] }
                            }
                        }
                    }
                }
                t.withUnsafeBufferPointer { t in
                    b.withUnsafeMutableBufferPointer { b in
                        // B[i][j] = Σ_k T[i][k]·D[j][k] = Σ_k T[i][k]·Dᵀ[k][j]
                        for i in 0..<16 {
                            let row = b.baseAddress! + i * 16
                            for k in 0..<64 {
                                let factor = t[i * 64 + k]
                                let source = dt.baseAddress! + k * 16
                                for j in 0..<16 { row[j] = row[j] + factor * source[j] }
                            }
                        }
                    }
                }
            }
        }
        return b
    }

    /// Spec §9: bit 16i+j set iff B[i][j] > the lower median (the 128th smallest of the 256).
    static func threshold(_ b: [Float]) -> PDQHash {
        precondition(b.count == 256)
        let median = b.sorted()[127]
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for limb in 0..<4 {
            var value: UInt64 = 0
            for bit in 0..<64 where b[limb * 64 + bit] > median {
                value |= 1 << UInt64(bit)
            }
            switch limb {
            case 0: limbs.0 = value
            case 1: limbs.1 = value
            case 2: limbs.2 = value
            default: limbs.3 = value
            }
        }
        return PDQHash(limbs: limbs)
    }

    /// Spec §12: the eight DCT matrices, in the order of ``PDQDihedral/allCases``.
    static func dihedralMatrices(_ b: [Float]) -> [[Float]] {
        precondition(b.count == 256)
        // Sign for "index odd ? +1 : −1" and the parity of (i + j).
        @inline(__always) func oddPositive(_ index: Int) -> Float { index & 1 == 1 ? 1 : -1 }
        @inline(__always) func evenSumPositive(_ i: Int, _ j: Int) -> Float { (i + j) & 1 == 1 ? -1 : 1 }
        var matrices = [[Float]](repeating: [Float](repeating: 0, count: 256), count: 8)
        for i in 0..<16 {
            for j in 0..<16 {
                let value = b[i * 16 + j]
                matrices[0][i * 16 + j] = value
                matrices[1][j * 16 + i] = oddPositive(j) * value  // rot90
                matrices[2][i * 16 + j] = evenSumPositive(i, j) * value  // rot180
                matrices[3][j * 16 + i] = oddPositive(i) * value  // rot270
                matrices[4][i * 16 + j] = oddPositive(i) * value  // flipx
                matrices[5][i * 16 + j] = oddPositive(j) * value  // flipy
                matrices[6][j * 16 + i] = value  // flipplus1
                matrices[7][j * 16 + i] = evenSumPositive(i, j) * value  // flipminus1
            }
        }
        return matrices
    }
}
