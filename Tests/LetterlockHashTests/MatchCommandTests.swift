import Foundation
import LetterlockHashCommands
import PerceptualHash
import TestVectors
import Testing

@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/expected/images-fullres-rgb.csv"), "PDQ vectors not found"))
struct MatchCommandTests {
    /// A bank built from the expected hashes of the bridge photo and a far-away hash; querying with
    /// the rotated copy matches only with --dihedral, at the distance the hashes give.
    @Test func matchesWithDistancesAndDihedrals() throws {
        let rows = try String(decoding: TestVectors.data("pdq/expected/images-fullres-rgb.csv"), as: UTF8.self)
            .split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
        let original = try #require(rows.first { $0.first == "images/dih/bridge-1-original.jpg" })[5]
        let bank = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-bank-\(UInt64.random(in: 0...UInt64.max)).csv")
        try Data("hash,id\n\(original),bridge\n\(String(repeating: "0", count: 64)),zero\nnot-a-hash,bad\n".utf8).write(to: bank)
        defer { try? FileManager.default.removeItem(at: bank) }
        let rotated = TestVectors.url("pdq/images/dih/bridge-2-rotate-90.jpg").path
        let same = TestVectors.url("pdq/images/dih/bridge-1-original.jpg").path
        let flat = TestVectors.url("pdq/images/misc-images/small.jpg").path

        let plain = CapturedOutput()
        let status = MatchRunner.run(banks: [bank.path], files: [same, rotated, flat], options: .init(), output: plain.output)
        #expect(status == 1, "the bad bank line makes the run fail")
        #expect(plain.standardOutput == ["\(same),\(bank.lastPathComponent),bridge,0,original"])
        #expect(plain.standardError.contains { $0.contains("small.jpg") && $0.contains("quality 0") })

        let withVariants = CapturedOutput()
        _ = MatchRunner.run(banks: [bank.path], files: [rotated], options: .init(dihedral: true), output: withVariants.output)
        let line = try #require(withVariants.standardOutput.first)
        let fields = line.split(separator: ",").map(String.init)
        #expect(fields[2] == "bridge")
        #expect(Int(fields[3]).map { $0 <= 31 } == true)
        #expect(fields[4] == "rot270" || fields[4] == "rot90", "\(line)")
    }
}

/// The built binary end to end: argument parsing, exit status, stdout/stderr separation.
@Suite struct HashToolProcessTests {
    static var binary: URL? {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("letterlock-hash"),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/letterlock-hash"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    @Test(.enabled(if: binary != nil && TestVectors.isAvailable("pdq/images/misc-images/wee.jpg")))
    func binaryPrintsAndFailsAtTheEnd() throws {
        let process = Process()
        guard let binary = Self.binary else { return }
        process.executableURL = binary
        let wee = TestVectors.url("pdq/images/misc-images/wee.jpg").path
        process.arguments = ["pdq", "/nonexistent.png", wee]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(stdout.hasSuffix(",100,\(wee)\n"))
        #expect(stderr.contains("/nonexistent.png: no such file"))
    }
}
