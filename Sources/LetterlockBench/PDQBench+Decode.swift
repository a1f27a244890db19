import ArgumentParser
import Foundation
import ImageDecoding

extension PDQBench {
    /// JPEG decode time per image (ImageDecoding), beside libjpeg-turbo driven bare through our C shim
    /// into a preallocated buffer, measured in the same run: the ratio is the cost of the safe API
    /// (format sniffing, EXIF lookup, limits, a fresh array per image).
    ///
    /// The JPEGs are generated in-process from the synthetic photographs at quality 90 (libjpeg's
    /// defaults: 4:2:0, baseline).
    func measureDecoding(_ reporter: BenchReporter) throws {
        reporter.note("pdq decode: encoding \(images) synthetic \(width)x\(height) JPEGs (quality 90)")
        let jpegs = try (0..<images).map { index in
            let rgb = SyntheticImages.rgb(width: width, height: height, seed: UInt64(index) &+ 1)
            guard let jpeg = JPEGEncoder.encode(rgb: rgb, width: width, height: height, quality: 90) else {
                throw ValidationError("libjpeg could not encode the synthetic image")
            }
            return jpeg
        }
        let averageBytes = jpegs.reduce(0) { $0 + $1.count } / jpegs.count
        reporter.note("pdq decode: average JPEG size \(averageBytes) bytes; load average \(loadAverage())")
        let decoder = ImageDecoder()
        // Both paths must produce the same pixels, or the comparison means nothing.
        var buffer = [UInt8](repeating: 0, count: width * height * 3)
        for jpeg in jpegs {
            let ours = try decoder.decode(jpeg).image.pixels
            guard BareJPEGDecoder.decode(jpeg, into: &buffer), buffer == ours else {
                throw ValidationError("ImageDecoder and the bare libjpeg path disagree: a bug")
            }
        }

        func perImage(_ body: ([UInt8]) throws -> Int) rethrows -> (wall: Double, cpu: Double) {
            var sink = 0
            var best = (wall: Double.infinity, cpu: Double.infinity)
            for _ in 0..<repetitions {
                let cpuStart = threadCPUSeconds()
                let wall = try Stopwatch.seconds {
                    for jpeg in jpegs { sink &+= try body(jpeg) }
                }
                best = (min(best.wall, wall), min(best.cpu, threadCPUSeconds() - cpuStart))
            }
            if sink == Int.min { print("") }  // keeps the work observable
            return (best.wall / Double(jpegs.count), best.cpu / Double(jpegs.count))
        }

        let bare = perImage { jpeg in BareJPEGDecoder.decode(jpeg, into: &buffer) ? Int(buffer[0]) : 0 }
        let safe = try perImage { jpeg in Int(try decoder.decode(jpeg).image.pixels[0]) }
        let size = "\(width)x\(height)"
        let referenceName = "bare libjpeg-turbo via the shim, same run"
        reporter.report(
            BenchFigure(
                bench: "pdq", metric: "decode JPEG \(size) wall time per image", value: safe.wall * 1e3, unit: "ms",
                reference: referenceName, ratio: safe.wall / bare.wall))
        reporter.report(
            BenchFigure(
                bench: "pdq", metric: "decode JPEG \(size) CPU time per image", value: safe.cpu * 1e3, unit: "ms",
                reference: referenceName, ratio: safe.cpu / bare.cpu))
        reporter.report(
            BenchFigure(
                bench: "pdq", metric: "decode JPEG \(size) images per second (wall)", value: 1 / safe.wall, unit: "images/s",
                reference: referenceName, ratio: bare.wall / safe.wall))
        reporter.report(
            BenchFigure(
                bench: "pdq", metric: "decode JPEG \(size) bare libjpeg wall time per image", value: bare.wall * 1e3, unit: "ms",
                reference: nil, ratio: nil))
    }
}
