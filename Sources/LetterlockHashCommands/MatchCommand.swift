public import ArgumentParser
internal import Foundation
internal import ImageDecoding
internal import PerceptualHash

/// `letterlock-hash match --bank CSV FILE...`: every bank entry within the distance of each image.
public struct MatchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match images against hash banks: FILE,BANK,ENTRY,DISTANCE,VARIANT per match.",
        discussion: """
            A bank file is a CSV/TSV list of PDQ hashes (with or without ids and a header) or a \
            ThreatExchange JSON export. Images whose PDQ quality is below --min-quality are not \
            matched (reported on stderr), as upstream recommends. ENTRY is the entry's id, or its \
            0-based position in the bank when it has none.
            """
    )

    @Option(name: .customLong("bank"), help: "A hash list to match against (repeatable).")
    var banks: [String]

    @Option(name: .customLong("max-distance"), help: "Largest Hamming distance reported.")
    var maxDistance = MatchIndex.defaultMaxDistance

    @Option(name: .customLong("min-quality"), help: "Images (and bank entries) below this PDQ quality are not matched.")
    var minimumQuality = MatchIndex.defaultMinimumQuality

    @Flag(help: "Also match the seven dihedral variants of each image (rotated and mirrored copies).")
    var dihedral = false

    @Flag(help: "One JSON object per match.")
    var json = false

    @Argument(help: "Image files.")
    var files: [String]

    public init() {}

    public func validate() throws {
        guard !banks.isEmpty else { throw ValidationError("give at least one --bank") }
        guard (0...256).contains(maxDistance) else { throw ValidationError("--max-distance must be 0...256") }
    }

    public func run() throws {
        let options = MatchRunner.Options(maxDistance: maxDistance, minimumQuality: minimumQuality, dihedral: dihedral, json: json)
        try finish(MatchRunner.run(banks: banks, files: files, options: options, output: .console))
    }
}

/// The logic of `letterlock-hash match`.
public enum MatchRunner {
    public struct Options: Sendable {
        public var maxDistance: Int
        public var minimumQuality: Int
        public var dihedral: Bool
        public var json: Bool

        /// Defaults: distance 31 and quality 50 (`MatchIndex.defaultMaxDistance`, `.defaultMinimumQuality`).
        public init(maxDistance: Int = 31, minimumQuality: Int = 50, dihedral: Bool = false, json: Bool = false) {
            self.maxDistance = maxDistance
            self.minimumQuality = minimumQuality
            self.dihedral = dihedral
            self.json = json
        }
    }

    /// Loads the banks, hashes the files, prints matches. Exit status 1 if a bank or a file failed,
    /// or a bank line was rejected; every readable file is still matched.
    public static func run(banks bankPaths: [String], files: [String], options: Options, output: CommandOutput) -> Int32 {
        var failed = false
        var configuration = MatchIndex.Configuration()
        configuration.minimumQuality = options.minimumQuality
        configuration.expectedMaxDistance = options.maxDistance
        var indexes: [(bank: HashBank, index: MatchIndex)] = []
        for path in bankPaths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard let data = FileManager.default.contents(atPath: path) else {
                output.standardError("letterlock-hash: \(path): bank could not be read")
                failed = true
                continue
            }
            do {
                var importOptions = HashBank.ImportOptions()
                importOptions.continueOnBadLines = true
                let report = try HashBank.importList(data, name: name, source: path, options: importOptions)
                for reject in report.rejects {
                    output.standardError("letterlock-hash: \(path): \(reject)")
                    failed = true
                }
                indexes.append((report.bank, MatchIndex(bank: report.bank, configuration: configuration)))
            } catch {
                output.standardError("letterlock-hash: \(path): \(error)")
                failed = true
            }
        }

        let decoder = ImageDecoder()
        let hasher = PDQHasher()
        var queries: [MatchQuery] = []
        var queryFiles: [String] = []
        for file in files {
            do {
                let image = try decoder.decode(contentsOf: file).image
                let result = hasher.hashWithDihedrals(image)
                let hashes = options.dihedral ? result.hashes : [result[.original]]
                queries.append(MatchQuery(hashes: hashes, quality: result.quality))
                queryFiles.append(file)
            } catch {
                output.standardError("letterlock-hash: \(file): \(error)")
                failed = true
            }
        }

        var lowQuality = Set<Int>()
        for (bank, index) in indexes {
            let results = index.matches(for: queries, maxDistance: options.maxDistance)
            lowQuality.formUnion(results.lowQualityQueries)
            for match in results.matches {
                let file = queryFiles[match.query]
                let entry = bank.entries[match.entry]
                let entryName = entry.id ?? String(match.entry)
                let variant = options.dihedral ? PDQDihedral(rawValue: match.variant)?.description ?? "?" : "original"
                if options.json {
                    output.standardOutput(
                        JSONLine.encode([
                            "file": file, "bank": bank.name, "entry": entryName, "hash": entry.hash.hex,
                            "distance": match.distance, "variant": variant,
                        ]))
                } else {
                    output.standardOutput("\(file),\(bank.name),\(entryName),\(match.distance),\(variant)")
                }
            }
        }
        for query in lowQuality.sorted() {
            let quality = queries[query].quality.map(String.init) ?? "?"
            output.standardError("letterlock-hash: \(queryFiles[query]): PDQ quality \(quality) is below \(options.minimumQuality): not matched")
        }
        return failed ? 1 : 0
    }
}
