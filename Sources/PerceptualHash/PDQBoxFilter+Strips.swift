/// The horizontal box pass on strips of eight rows (PDQ spec §6), for the fast path.
///
/// A row's running sum is one long chain of dependent float additions, so a single row runs at the
/// latency of two additions per pixel. Eight rows side by side hide that latency, but gathering
/// one value from each of eight rows per step costs more than the arithmetic. So a strip is first
/// transposed in 4×4 blocks into column vectors (lane = row), the running sums then run exactly as
/// in the vertical pass — each lane performing the reference's `s += in[r]`, `s -= in[l]` in order —
/// and the sums are transposed back (or only the decimated columns are read out).
extension PDQBoxFilter {
    /// The classic 4×4 transpose: rows in, columns out, each output lane a copy of an input lane.
    @inline(__always)
    static func transpose(
        _ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>
    ) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let abLow = SIMD4(a[0], b[0], a[1], b[1])
        let abHigh = SIMD4(a[2], b[2], a[3], b[3])
        let cdLow = SIMD4(c[0], d[0], c[1], d[1])
        let cdHigh = SIMD4(c[2], d[2], c[3], d[3])
        return (
            SIMD4(abLow[0], abLow[1], cdLow[0], cdLow[1]),
            SIMD4(abLow[2], abLow[3], cdLow[2], cdLow[3]),
            SIMD4(abHigh[0], abHigh[1], cdHigh[0], cdHigh[1]),
            SIMD4(abHigh[2], abHigh[3], cdHigh[2], cdHigh[3])
        )
    }

    @inline(__always)
    static func load4(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func store4(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Float>.self)
    }

    /// Running sums (not divided) of a horizontal pass over eight rows of `input` (row stride `width`):
    /// `sums[k][lane]` is the sum row `lane` emits at output position `k`. `transposed` is scratch
    /// for `width` vectors.
    @inline(never)
    static func horizontalSums8(
        _ input: UnsafePointer<Float>, width: Int, schedule: Schedule,
        transposed: UnsafeMutablePointer<SIMD8<Float>>, sums: UnsafeMutablePointer<SIMD8<Float>>
    ) {
        let r0 = input
        let r1 = r0 + width
        let r2 = r1 + width
        let r3 = r2 + width
        let r4 = r3 + width
        let r5 = r4 + width
        let r6 = r5 + width
        let r7 = r6 + width
        var k = 0
        while k + 4 <= width {
            let low = transpose(load4(r0 + k), load4(r1 + k), load4(r2 + k), load4(r3 + k))
            let high = transpose(load4(r4 + k), load4(r5 + k), load4(r6 + k), load4(r7 + k))
            transposed[k] = SIMD8(lowHalf: low.0, highHalf: high.0)
            transposed[k + 1] = SIMD8(lowHalf: low.1, highHalf: high.1)
            transposed[k + 2] = SIMD8(lowHalf: low.2, highHalf: high.2)
            transposed[k + 3] = SIMD8(lowHalf: low.3, highHalf: high.3)
            k += 4
        }
        while k < width {
            transposed[k] = SIMD8(r0[k], r1[k], r2[k], r3[k], r4[k], r5[k], r6[k], r7[k])
            k += 1
        }

        var sum = SIMD8<Float>(repeating: 0)
        var read = 0
        var leave = 0
        var write = 0
        for _ in 0..<schedule.warmUp {
            sum += transposed[read]
            read += 1
        }
        for _ in 0..<schedule.growing {
            sum += transposed[read]
            read += 1
            sums[write] = sum
            write += 1
        }
        for _ in 0..<schedule.sliding {
            sum += transposed[read]
            read += 1
            sum -= transposed[leave]
            leave += 1
            sums[write] = sum
            write += 1
        }
        for _ in 0..<schedule.shrinking {
            sum -= transposed[leave]
            leave += 1
            sums[write] = sum
            write += 1
        }
    }

    /// Writes eight rows of horizontal-pass output (row stride `width`): `sums[k][lane] / counts[k]`.
    @inline(never)
    static func writeRows8(
        _ sums: UnsafePointer<SIMD8<Float>>, width: Int, counts: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>
    ) {
        let o0 = output
        let o1 = o0 + width
        let o2 = o1 + width
        let o3 = o2 + width
        let o4 = o3 + width
        let o5 = o4 + width
        let o6 = o5 + width
        let o7 = o6 + width
        var k = 0
        while k + 4 <= width {
            let divisor = load4(counts + k)
            let low = transpose(sums[k].lowHalf, sums[k + 1].lowHalf, sums[k + 2].lowHalf, sums[k + 3].lowHalf)
            store4(low.0 / divisor, o0 + k)
            store4(low.1 / divisor, o1 + k)
            store4(low.2 / divisor, o2 + k)
            store4(low.3 / divisor, o3 + k)
            let high = transpose(sums[k].highHalf, sums[k + 1].highHalf, sums[k + 2].highHalf, sums[k + 3].highHalf)
            store4(high.0 / divisor, o4 + k)
            store4(high.1 / divisor, o5 + k)
            store4(high.2 / divisor, o6 + k)
            store4(high.3 / divisor, o7 + k)
            k += 4
        }
        while k < width {
            let value = sums[k] / SIMD8(repeating: counts[k])
            o0[k] = value[0]
            o1[k] = value[1]
            o2[k] = value[2]
            o3[k] = value[3]
            o4[k] = value[4]
            o5[k] = value[5]
            o6[k] = value[6]
            o7[k] = value[7]
            k += 1
        }
    }
}
