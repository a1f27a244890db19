public import ArgumentParser
internal import Foundation
internal import ImageDecoding
internal import PerceptualHash

/// `letterlock-hash pdq FILE...`: `HASH,QUALITY,FILE` per file, the reference tool's order.
public struct PDQCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pdq",
        abstract: "Print the PDQ hash and quality of each image: HASH,QUALITY,FILE."
    )

    @Flag(help: "Append the seven dihedral variants: rot90,rot180,rot270,flipx,flipy,flipplus1,flipminus1.")
    var dihedral = false

    @Flag(name: .customLong("pre-resize-512"), help: "Resize larger images to 512x512 first, like the reference C++ tool.")
    var preResize512 = false

    @Flag(name: .customLong("apply-exif-orientation"), help: "Rotate by the EXIF orientation first (the references do not).")
    var applyExifOrientation = false

    @Flag(help: "One JSON object per line instead of CSV.")
    var json = false

    @Argument(help: "Image files (JPEG, PNG, WebP, binary PPM).")
    var files: [String]

    public init() {}

    public func run() throws {
        let options = PDQRunner.Options(
            dihedral: dihedral, preResize512: preResize512, applyExifOrientation: applyExifOrientation, json: json)
        try finish(PDQRunner.run(files: files, options: options, output: .console))
    }
}

/// The logic of `letterlock-hash pdq`, separate from argument parsing so tests can run it.
public enum PDQRunner {
    public struct Options: Sendable {
        public var dihedral = false
        public var preResize512 = false
        public var applyExifOrientation = false
        public var json = false

        public init(dihedral: Bool = false, preResize512: Bool = false, applyExifOrientation: Bool = false, json: Bool = false) {
            self.dihedral = dihedral
            self.preResize512 = preResize512
            self.applyExifOrientation = applyExifOrientation
            self.json = json
        }
    }

    /// Hashes every file; returns the exit status (0, or 1 if any file failed).
    public static func run(files: [String], options: Options, output: CommandOutput) -> Int32 {
        let decoder = ImageDecoder(configuration: .init(applyExifOrientation: options.applyExifOrientation))
        let hasher = PDQHasher(configuration: .init(preResizeTo512: options.preResize512))
        var failed = false
        for file in files {
            let decoded: DecodedImage
            do {
                decoded = try decoder.decode(contentsOf: file)
            } catch {
                output.standardError("letterlock-hash: \(file): \(error)")
                failed = true
                continue
            }
            let result = hasher.hashWithDihedrals(decoded.image)
            output.standardOutput(line(file: file, result: result, decoded: decoded, options: options))
        }
        return failed ? 1 : 0
    }

    static func line(file: String, result: PDQDihedralResult, decoded: DecodedImage, options: Options) -> String {
        let variants = PDQDihedral.allCases.dropFirst()
        if options.json {
            var object: [String: Any] = [
                "file": file,
                "hash": result[.original].hex,
                "quality": result.quality,
                "width": decoded.image.width,
                "height": decoded.image.height,
                "format": decoded.format.rawValue,
            ]
            if let orientation = decoded.exifOrientation { object["exif_orientation"] = orientation.rawValue }
            if options.dihedral {
                object["dihedral"] = Dictionary(uniqueKeysWithValues: variants.map { ($0.description, result[$0].hex) })
            }
            return JSONLine.encode(object)
        }
        var fields = [result[.original].hex, String(result.quality), file]
        if options.dihedral { fields += variants.map { result[$0].hex } }
        return fields.joined(separator: ",")
    }
}

/// Compact, key-sorted JSON for one output line.
enum JSONLine {
    static func encode(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
