import Foundation

/// One measured figure beside the reference measured in the same run.
///
/// With `--json` each figure is one line:
/// `{"bench":…,"metric":…,"value":…,"unit":…,"reference":…,"ratio":…}`.
/// `reference` names what the figure is compared with and `ratio` is value / reference value
/// (nil when a figure has no reference, e.g. a memory footprint).
struct BenchFigure: Encodable, Sendable {
    var bench: String
    var metric: String
    var value: Double
    var unit: String
    var reference: String?
    var ratio: Double?
}

/// Prints figures as they are measured, for people or (with `--json`) for scripts.
struct BenchReporter: Sendable {
    var json: Bool

    func report(_ figure: BenchFigure) {
        print(line(for: figure))
        fflush(nil)  // all streams: `stdout` is not concurrency-safe to name in Swift 6
    }

    /// The line `report` prints for `figure`: one JSON object, or a sentence for people.
    func line(for figure: BenchFigure) -> String {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // Encoding a struct of strings and finite doubles cannot fail; a NaN would, and is a bug worth seeing.
            return (try? encoder.encode(figure)).map { String(decoding: $0, as: UTF8.self) } ?? "{\"error\":\"unencodable figure\"}"
        }
        var line = "\(figure.bench)  \(figure.metric): \(Self.format(figure.value)) \(figure.unit)"
        if let reference = figure.reference, let ratio = figure.ratio {
            line += "   (\(Self.format(ratio))x \(reference))"
        }
        return line
    }

    /// Free-form progress for people; silent with `--json` so the output stays one figure per line.
    func note(_ text: String) {
        guard !json else { return }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1000 { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.1f", value) }
        if magnitude >= 0.01 { return String(format: "%.3f", value) }
        return String(format: "%.3g", value)
    }
}

/// Wall-clock timing with the monotonic clock.
enum Stopwatch {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The best (minimum) of `repetitions` timings of `body`, in seconds: the least-disturbed run.
    static func best(of repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) { best = min(best, try seconds(body)) }
        return best
    }
}

/// Resident set size of this process in bytes (Linux /proc/self/statm), or nil elsewhere.
func residentMemoryBytes() -> Int? {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// A benchmark that cannot go on, with the reason.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
