import ArgumentParser
import Foundation
import PerceptualHash

#if canImport(CDispatch)
    // With NIO in this target, `timespec` resolves to CDispatch's copy of <time.h> (MemberImportVisibility).
    import CDispatch
#endif

/// `letterlock-bench pdq`: PDQ hashing, image decoding and hash matching (issue 4, item 8).
///
/// Each part is its own function so that it can be run alone with `--only`:
/// - `hash`: hash-only time per 1024×768 image (pixels already decoded), the fast filter beside the
///   reference-order filter (`PDQHasher.Implementation.referenceOrder`) measured in the same run.
/// - `decode`: JPEG decode time per image (ImageDecoding), beside bare libjpeg-turbo (PDQBench+Decode.swift).
/// - `match`: match-index throughput and memory — not built yet.
struct PDQBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdq",
        abstract: "PDQ: decode, hash and match throughput, each beside a reference measured in the same run."
    )

    enum Part: String, CaseIterable, ExpressibleByArgument {
        case hash
        case decode
        case match
    }

    @OptionGroup var options: BenchOptions

    @Option(help: "Run only this part: hash, decode or match (default: all).")
    var only: Part?

    @Option(help: "Number of generated images.")
    var images = 16

    @Option(help: "Image width in pixels.")
    var width = 1024

    @Option(help: "Image height in pixels.")
    var height = 768

    @Option(help: "Timed passes over the image set; the best pass is reported.")
    var repetitions = 5

    func validate() throws {
        guard images > 0, repetitions > 0 else { throw ValidationError("--images and --repetitions must be positive") }
        guard (5...16_384).contains(width), (5...16_384).contains(height) else {
            throw ValidationError("--width and --height must be in 5...16384")
        }
    }

    func run() throws {
        let reporter = options.reporter
        for part in only.map({ [$0] }) ?? Part.allCases {
            switch part {
            case .hash: try runHashing(reporter)
            case .decode: try measureDecoding(reporter)
            case .match: try runMatching(reporter)
            }
        }
    }

    // MARK: - Hashing

    /// Hash-only time per image: luma, filter, DCT, threshold and quality from decoded RGB.
    func runHashing(_ reporter: BenchReporter) throws {
        reporter.note("pdq hash: generating \(images) synthetic \(width)x\(height) RGB images")
        let set = (0..<images).map { SyntheticImages.rgb(width: width, height: height, seed: UInt64($0) &+ 1) }
        let fast = PDQHasher()
        let reference = PDQHasher(configuration: .init(implementation: .referenceOrder))

        // Both paths must agree bit for bit, or the comparison means nothing.
        for rgb in set {
            let a = try fast.hashWithDihedrals(rgb: rgb, width: width, height: height)
            let b = try reference.hashWithDihedrals(rgb: rgb, width: width, height: height)
            guard a == b else { throw ValidationError("fast and reference-order hashes differ: a bug") }
        }

        /// Best wall-clock and best thread-CPU seconds per image over `repetitions` passes. CPU time is
        /// reported too because on a shared machine wall time also counts time spent descheduled.
        func perImage(_ hasher: PDQHasher, dihedrals: Bool) throws -> (wall: Double, cpu: Double) {
            var sink = 0
            var best = (wall: Double.infinity, cpu: Double.infinity)
            for _ in 0..<repetitions {
                let cpuStart = threadCPUSeconds()
                let wall = try Stopwatch.seconds {
                    for rgb in set {
                        if dihedrals {
                            sink &+= try hasher.hashWithDihedrals(rgb: rgb, width: width, height: height).quality
                        } else {
                            sink &+= try hasher.hash(rgb: rgb, width: width, height: height).quality
                        }
                    }
                }
                best = (min(best.wall, wall), min(best.cpu, threadCPUSeconds() - cpuStart))
            }
            if sink == Int.min { print("") }  // keeps the work observable
            return (best.wall / Double(set.count), best.cpu / Double(set.count))
        }

        let size = "\(width)x\(height)"
        let referenceName = "reference-order filter, same run"
        reporter.note("pdq hash: load average \(loadAverage()) (wall time includes time spent descheduled; CPU time does not)")
        for dihedrals in [false, true] {
            let label = dihedrals ? "hash+dihedrals" : "hash"
            let reference = try perImage(reference, dihedrals: dihedrals)
            let fast = try perImage(fast, dihedrals: dihedrals)
            reporter.report(BenchFigure(
                bench: "pdq", metric: "\(label) \(size) wall time per image", value: fast.wall * 1e3, unit: "ms",
                reference: referenceName, ratio: fast.wall / reference.wall))
            reporter.report(BenchFigure(
                bench: "pdq", metric: "\(label) \(size) CPU time per image", value: fast.cpu * 1e3, unit: "ms",
                reference: referenceName, ratio: fast.cpu / reference.cpu))
            reporter.report(BenchFigure(
                bench: "pdq", metric: "\(label) \(size) images per second (wall)", value: 1 / fast.wall, unit: "images/s",
                reference: referenceName, ratio: reference.wall / fast.wall))
            reporter.report(BenchFigure(
                bench: "pdq", metric: "\(label) \(size) reference-order wall time per image", value: reference.wall * 1e3,
                unit: "ms", reference: nil, ratio: nil))
            reporter.report(BenchFigure(
                bench: "pdq", metric: "\(label) \(size) reference-order CPU time per image", value: reference.cpu * 1e3,
                unit: "ms", reference: nil, ratio: nil))
        }
    }

    /// CPU time consumed by the calling thread, in seconds.
    func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// The 1-minute load average (Linux), for context beside wall-clock figures.
    func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "unknown"
    }

    // MARK: - Decoding: PDQBench+Decode.swift

    // MARK: - Matching

    /// Match-index throughput and memory at 1M and 10M hashes (PDQMatchBench.swift; also
    /// `letterlock-bench pdq-match` with its own options).
    func runMatching(_ reporter: BenchReporter) throws {
        try runMatchBench(reporter: reporter, sizes: [1_000_000, 10_000_000])
    }
}

/// Deterministic synthetic photographs: smooth gradients plus seeded noise.
enum SyntheticImages {
    static func rgb(width: Int, height: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let fx = 1 + Double(next() % 600) / 100
        let fy = 1 + Double(next() % 600) / 100
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let v = Double(y) / Double(height)
            for x in 0..<width {
                let u = Double(x) / Double(width)
                let base = 3 * (y * width + x)
                let noise = next()
                for channel in 0..<3 {
                    let wave = 0.5 + 0.25 * (sin(fx * u * 6.283 + Double(channel)) + cos(fy * v * 6.283 * Double(channel + 1)))
                    let jitter = Int((noise >> (16 * UInt64(channel))) & 31) - 16
                    pixels[base + channel] = UInt8(clamping: Int(wave * 235) + jitter)
                }
            }
        }
        return pixels
    }
}
