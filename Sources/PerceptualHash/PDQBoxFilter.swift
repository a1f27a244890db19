/// The two-pass box ("Jarosz") filter and the decimation to 64×64 (PDQ spec §6).
///
/// Bit-exactness rests on one fact: every output of a box pass is the reference's *running sum*
/// (`s += in[r]`, then `s -= in[l]`, float32) divided by the running count. The sums along one
/// row or column depend only on that row or column, so we may compute many of them side by side
/// and in any interleaving, as long as each one sees the same additions and subtractions in the
/// same order. That is what lets the vertical pass walk memory row by row (one running sum per
/// column, vectorised across columns) instead of striding down each column as the reference does.
enum PDQBoxFilter {
    /// Window for the pass along a dimension of length `length` (spec §6: ⌈length/128⌉).
    @inline(__always)
    static func window(_ length: Int) -> Int { (length + 127) / 128 }

    /// The schedule of one box pass over `length` inputs with window `window` (spec §6, steps 1–4).
    struct Schedule {
        /// Inputs summed before the first output (`half − 1`).
        var warmUp: Int
        /// Outputs while the window grows (`w − half + 1`).
        var growing: Int
        /// Outputs with a full window (`L − w`).
        var sliding: Int
        /// Outputs while the window shrinks (`half − 1`).
        var shrinking: Int
        var window: Int

        init(length: Int, window: Int) {
            let half = (window + 2) / 2
            self.warmUp = half - 1
            self.growing = window - half + 1
            self.sliding = length - window
            self.shrinking = half - 1
            self.window = window
        }

        /// The divisor of every output position, as float32 (the running count `n`).
        func counts() -> [Float] {
            var counts = [Float]()
            counts.reserveCapacity(growing + sliding + shrinking)
            var n = warmUp
            for _ in 0..<growing {
                n += 1
                counts.append(Float(n))
            }
            for _ in 0..<sliding { counts.append(Float(n)) }
            for _ in 0..<shrinking {
                n -= 1
                counts.append(Float(n))
            }
            return counts
        }
    }

    // MARK: - Reference order (the straightforward strided walk)

    /// One box pass over a strided vector, exactly as spec §6 writes it.
    @inline(__always)
    static func boxPass(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        length: Int, stride: Int, window: Int
    ) {
        let schedule = Schedule(length: length, window: window)
        var sum: Float = 0
        var n = 0
        var read = 0
        var leave = 0
        var write = 0
        for _ in 0..<schedule.warmUp {
            sum += input[read * stride]
            read += 1
            n += 1
        }
        for _ in 0..<schedule.growing {
            sum += input[read * stride]
            read += 1
            n += 1
            output[write * stride] = sum / Float(n)
            write += 1
        }
        for _ in 0..<schedule.sliding {
            sum += input[read * stride]
            read += 1
            sum -= input[leave * stride]
            leave += 1
            output[write * stride] = sum / Float(n)
            write += 1
        }
        for _ in 0..<schedule.shrinking {
            sum -= input[leave * stride]
            leave += 1
            n -= 1
            output[write * stride] = sum / Float(n)
            write += 1
        }
    }

    /// The reference's filter: twice { every row, then every column (stride `width`) }, full size,
    /// then decimation. Kept as the cross-check and the benchmark's baseline.
    static func referenceOrder(_ luma: PDQLuma) -> [Float] {
        let width = luma.width
        let height = luma.height
        let rowWindow = window(width)
        let columnWindow = window(height)
        var a = luma.values
        var b = [Float](repeating: 0, count: width * height)
        a.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { b in
                let a = a.baseAddress!
                let b = b.baseAddress!
                for _ in 0..<2 {
                    for row in 0..<height {
                        boxPass(a + row * width, b + row * width, length: width, stride: 1, window: rowWindow)
                    }
                    for column in 0..<width {
                        boxPass(b + column, a + column, length: height, stride: width, window: columnWindow)
                    }
                }
            }
        }
        return decimate(a, width: width, height: height)
    }

    /// Row or column index of decimated sample `i` along a dimension of `length` (spec §6, in double, truncated).
    @inline(__always)
    static func sampleIndex(_ i: Int, length: Int) -> Int {
        Int((Double(i) + 0.5) * Double(length) / 64.0)
    }

    static func decimate(_ full: [Float], width: Int, height: Int) -> [Float] {
        var out = [Float](repeating: 0, count: 64 * 64)
        for i in 0..<64 {
            let row = sampleIndex(i, length: height) * width
            for j in 0..<64 {
                out[i * 64 + j] = full[row + sampleIndex(j, length: width)]
            }
        }
        return out
    }

    // MARK: - Fast path

    /// The same filter and decimation, computing only what the 64×64 result depends on, with every
    /// running sum seeing the reference's additions in the reference's order, and one full-size
    /// buffer instead of three:
    ///
    /// 1. Horizontal pass 1, eight rows at a time straight from the luma source (a strip is
    ///    transposed so that its eight running sums advance together in vector lanes, see
    ///    `PDQBoxFilter+Strips.swift`) into the one H×W buffer.
    /// 2. Vertical pass 1 row by row, one running sum per column, vectorised across columns. Each
    ///    output row goes to an eight-row buffer, and as soon as eight are ready:
    /// 3. Horizontal pass 2 on them: the running sums must still visit every column, but only the
    ///    64 sampled columns are divided and kept (an H×64 buffer).
    /// 4. Vertical pass 2 over those 64 columns; the 64 sampled rows are kept.
    ///
    /// `lumaRows(row, count, scratch)` returns a pointer to luma rows `row..<row+count` (row stride
    /// `width`): either into an existing luma buffer or after filling `scratch` (room for 8 rows).
    static func fast(
        width: Int, height: Int,
        lumaRows: (_ row: Int, _ count: Int, _ scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
    ) -> [Float] {
        let rowSchedule = Schedule(length: width, window: window(width))
        let columnSchedule = Schedule(length: height, window: window(height))
        let rowCounts = rowSchedule.counts()
        let sampleColumns = (0..<64).map { sampleIndex($0, length: width) }
        let sampleRows = (0..<64).map { sampleIndex($0, length: height) }

        // Also holds the H×64 result of step 4, hence at least 64 columns' worth.
        return PDQScratch.withBuffer(count: max(width, 64) * height) { full in
            // Eight rows each of luma, vertical-pass output and horizontal sums, and column sums
            // (`width` columns in step 2, 64 in step 4).
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 24 * width + max(width, 64))
            defer { scratch.deallocate() }
            let lumaScratch = scratch
            let verticalRows = scratch + 8 * width
            let horizontalSums = scratch + 16 * width
            let columnSums = scratch + 24 * width
            // Column vectors of an eight-row strip, before and after the running sums.
            let strip = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 2 * width)
            defer { strip.deallocate() }
            let stripInput = strip
            let stripSums = strip + width
            let narrow = UnsafeMutablePointer<Float>.allocate(capacity: height * 64)
            defer { narrow.deallocate() }

            rowCounts.withUnsafeBufferPointer { rowCounts in
                sampleColumns.withUnsafeBufferPointer { sampleColumns in
                    let counts = rowCounts.baseAddress!
                    // 1. luma -> full, eight rows at a time (fewer at the bottom).
                    var row = 0
                    while row < height {
                        let lanes = min(8, height - row)
                        let source = lumaRows(row, lanes, lumaScratch)
                        let target = full + row * width
                        if lanes == 8 {
                            horizontalSums8(source, width: width, schedule: rowSchedule, transposed: stripInput, sums: stripSums)
                            writeRows8(stripSums, width: width, counts: counts, into: target)
                        } else {
                            horizontalPass(source, width: width, height: lanes, schedule: rowSchedule, sumsInto: target, rowStride: width)
                            divideRows(target, width: width, height: lanes, counts: counts)
                        }
                        row += lanes
                    }
                    // 2. + 3. full -> vertical rows -> narrow, eight rows at a time.
                    verticalPass(
                        full, rows: height, columns: width, schedule: columnSchedule, sums: columnSums,
                        target: { verticalRows + ($0 & 7) * width },
                        rowDone: { outputRow in
                            guard outputRow & 7 == 7 || outputRow == height - 1 else { return }
                            let first = outputRow & ~7
                            let lanes = outputRow - first + 1
                            if lanes == 8 {
                                horizontalSums8(verticalRows, width: width, schedule: rowSchedule, transposed: stripInput, sums: stripSums)
                                for j in 0..<64 {
                                    let column = sampleColumns[j]
                                    let value = stripSums[column] / SIMD8(repeating: counts[column])
                                    for lane in 0..<8 { narrow[(first + lane) * 64 + j] = value[lane] }
                                }
                                return
                            }
                            horizontalPass(
                                verticalRows, width: width, height: lanes, schedule: rowSchedule,
                                sumsInto: horizontalSums, rowStride: width)
                            for lane in 0..<lanes {
                                let sums = horizontalSums + lane * width
                                let out = narrow + (first + lane) * 64
                                for j in 0..<64 {
                                    let column = sampleColumns[j]
                                    out[j] = sums[column] / counts[column]
                                }
                            }
                        })
                }
            }
            // 4. narrow -> 64×64, keeping the sampled rows (`full` is free again and holds the H×64 result).
            let narrowFiltered = full
            verticalPass(
                narrow, rows: height, columns: 64, schedule: columnSchedule, sums: columnSums,
                target: { narrowFiltered + $0 * 64 }, rowDone: { _ in })
            var out = [Float](repeating: 0, count: 64 * 64)
            for (i, row) in sampleRows.enumerated() {
                for j in 0..<64 { out[i * 64 + j] = narrowFiltered[row * 64 + j] }
            }
            return out
        }
    }

    /// ``fast(width:height:lumaRows:)`` over a luma buffer.
    static func fast(_ luma: PDQLuma) -> [Float] {
        luma.values.withUnsafeBufferPointer { values in
            let base = values.baseAddress!
            return fast(width: luma.width, height: luma.height) { row, _, _ in UnsafePointer(base + row * luma.width) }
        }
    }

    /// ``fast(width:height:lumaRows:)`` straight from 8-bit RGB: luma (spec §3) is computed eight rows
    /// at a time as the first horizontal pass needs it, never as a full-size buffer.
    static func fast(rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int) -> [Float] {
        let base = rgb.baseAddress!
        return fast(width: width, height: height) { row, count, scratch in
            PDQLuma.luma(rgb: base + 3 * row * width, count: count * width, into: scratch)
            return UnsafePointer(scratch)
        }
    }

    /// In-place `data[r][k] /= counts[k]` (the division of a horizontal pass, done after its sums).
    @inline(never) static func divideRows(_ data: UnsafeMutablePointer<Float>, width: Int, height: Int, counts: UnsafePointer<Float>) {
        for row in 0..<height {
            let line = data + row * width
            for k in 0..<width { line[k] = line[k] / counts[k] }
        }
    }

    /// Running sums (not yet divided) of a horizontal box pass over `height` rows of `input`
    /// (row stride `width`), written to `output` with row stride `rowStride`.
    ///
    /// Four rows advance together in the lanes of a SIMD4 so their four dependency chains overlap;
    /// each lane performs exactly the scalar sequence of ``boxPass``.
    static func horizontalPass(
        _ input: UnsafePointer<Float>, width: Int, height: Int, schedule: Schedule,
        sumsInto output: UnsafeMutablePointer<Float>, rowStride: Int
    ) {
        var row = 0
        while row + 4 <= height {
            let p0 = input + row * width
            let p1 = p0 + width
            let p2 = p1 + width
            let p3 = p2 + width
            let o0 = output + row * rowStride
            let o1 = o0 + rowStride
            let o2 = o1 + rowStride
            let o3 = o2 + rowStride
            var sum = SIMD4<Float>(repeating: 0)
            var read = 0
            var leave = 0
            var write = 0
            for _ in 0..<schedule.warmUp {
                sum += SIMD4(p0[read], p1[read], p2[read], p3[read])
                read += 1
            }
            for _ in 0..<schedule.growing {
                sum += SIMD4(p0[read], p1[read], p2[read], p3[read])
                read += 1
                o0[write] = sum[0]
                o1[write] = sum[1]
                o2[write] = sum[2]
                o3[write] = sum[3]
                write += 1
            }
            for _ in 0..<schedule.sliding {
                sum += SIMD4(p0[read], p1[read], p2[read], p3[read])
                read += 1
                sum -= SIMD4(p0[leave], p1[leave], p2[leave], p3[leave])
                leave += 1
                o0[write] = sum[0]
                o1[write] = sum[1]
                o2[write] = sum[2]
                o3[write] = sum[3]
                write += 1
            }
            for _ in 0..<schedule.shrinking {
                sum -= SIMD4(p0[leave], p1[leave], p2[leave], p3[leave])
                leave += 1
                o0[write] = sum[0]
                o1[write] = sum[1]
                o2[write] = sum[2]
                o3[write] = sum[3]
                write += 1
            }
            row += 4
        }
        while row < height {
            let p = input + row * width
            let o = output + row * rowStride
            var sum: Float = 0
            var read = 0
            var leave = 0
            var write = 0
            for _ in 0..<schedule.warmUp {
                sum += p[read]
                read += 1
            }
            for _ in 0..<schedule.growing {
                sum += p[read]
                read += 1
                o[write] = sum
                write += 1
            }
            for _ in 0..<schedule.sliding {
                sum += p[read]
                read += 1
                sum -= p[leave]
                leave += 1
                o[write] = sum
                write += 1
            }
            for _ in 0..<schedule.shrinking {
                sum -= p[leave]
                leave += 1
                o[write] = sum
                write += 1
            }
            row += 1
        }
    }

    /// A vertical box pass over `rows × columns` (row-major), walking memory row by row with one
    /// running sum per column in `sums`; divided as it goes. Per column, the float operations are
    /// those of ``boxPass`` with stride `columns`, in the same order. Output row `o` is written to
    /// `target(o)`, then `rowDone(o)` is called.
    @inline(never) static func verticalPass(
        _ input: UnsafePointer<Float>, rows: Int, columns: Int, schedule: Schedule, sums: UnsafeMutablePointer<Float>,
        target: (Int) -> UnsafeMutablePointer<Float>, rowDone: (Int) -> Void
    ) {
        sums.update(repeating: 0, count: columns)
        var n = 0
        var read = 0
        var leave = 0
        var write = 0
        for _ in 0..<schedule.warmUp {
            let source = input + read * columns
            for c in 0..<columns { sums[c] = sums[c] + source[c] }
            read += 1
            n += 1
        }
        for _ in 0..<schedule.growing {
            let source = input + read * columns
            let out = target(write)
            n += 1
            let divisor = Float(n)
            for c in 0..<columns {
                let s = sums[c] + source[c]
                sums[c] = s
                out[c] = s / divisor
            }
            rowDone(write)
            read += 1
            write += 1
        }
        let full = Float(n)
        for _ in 0..<schedule.sliding {
            let entering = input + read * columns
            let leaving = input + leave * columns
            let out = target(write)
            for c in 0..<columns {
                let s = (sums[c] + entering[c]) - leaving[c]
                sums[c] = s
                out[c] = s / full
            }
            rowDone(write)
            read += 1
            leave += 1
            write += 1
        }
        for _ in 0..<schedule.shrinking {
            let leaving = input + leave * columns
            let out = target(write)
            n -= 1
            let divisor = Float(n)
            for c in 0..<columns {
                let s = sums[c] - leaving[c]
                sums[c] = s
                out[c] = s / divisor
            }
            rowDone(write)
            leave += 1
            write += 1
        }
    }
}
