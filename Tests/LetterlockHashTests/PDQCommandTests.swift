import Foundation
import LetterlockHashCommands
import PerceptualHash
import TestVectors
import Testing

/// Captures what a command prints.
final class CapturedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out: [String] = []
    private var err: [String] = []

    var output: CommandOutput {
        CommandOutput(
            standardOutput: { line in self.lock.withLock { self.out.append(line) } },
            standardError: { line in self.lock.withLock { self.err.append(line) } }
        )
    }
    var standardOutput: [String] { lock.withLock { out } }
    var standardError: [String] { lock.withLock { err } }
}

@Suite(.enabled(if: TestVectors.availableOrWarn("pdq/expected/images-cpp-cli.csv"), "PDQ vectors not found"))
struct PDQCommandTests {
    static let wee = "images/misc-images/wee.jpg"
    static let bridge = "images/dih/bridge-1-original.jpg"

    static func expectedRow(_ csv: String, _ file: String) throws -> [String: String] {
        let text = String(decoding: try TestVectors.data("pdq/expected/\(csv)"), as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let row = try #require(lines.first { $0.first == file })
        return Dictionary(uniqueKeysWithValues: zip(header, row))
    }

    @Test func printsHashQualityFileInTheReferenceOrder() throws {
        let captured = CapturedOutput()
        let path = TestVectors.url("pdq/\(Self.bridge)").path
        let status = PDQRunner.run(files: [path], options: .init(), output: captured.output)
        #expect(status == 0)
        let row = try Self.expectedRow("images-fullres-rgb.csv", Self.bridge)
        let fields = try #require(captured.standardOutput.first).split(separator: ",").map(String.init)
        try #require(fields.count == 3)
        let hash = try #require(PDQHash(hex: fields[0]))
        #expect(hash.distance(to: try #require(PDQHash(hex: row["hash"] ?? ""))) <= 10)
        #expect(fields[1] == row["quality"])
        #expect(fields[2] == path)
    }

    @Test func dihedralAndPreResizeMatchTheReferenceTool() throws {
        let captured = CapturedOutput()
        let path = TestVectors.url("pdq/\(Self.bridge)").path
        _ = PDQRunner.run(files: [path], options: .init(dihedral: true, preResize512: true), output: captured.output)
        let fields = try #require(captured.standardOutput.first).split(separator: ",").map(String.init)
        try #require(fields.count == 10)
        let row = try Self.expectedRow("images-cpp-cli.csv", Self.bridge)
        let columns = ["hash", "quality", "file", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"]
        for (index, column) in columns.enumerated() where column != "file" && column != "quality" {
            let ours = try #require(PDQHash(hex: fields[index]))
            let theirs = try #require(PDQHash(hex: row[column] ?? ""))
            #expect(ours.distance(to: theirs) <= 10, "\(column)")
        }
    }

    @Test func badFilesAreReportedAndDoNotStopTheOthers() throws {
        let captured = CapturedOutput()
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-junk-\(UInt64.random(in: 0...UInt64.max)).jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00]).write(to: junk)
        defer { try? FileManager.default.removeItem(at: junk) }
        let files = ["/nonexistent/a.png", junk.path, TestVectors.url("pdq/\(Self.wee)").path]
        let status = PDQRunner.run(files: files, options: .init(), output: captured.output)
        #expect(status == 1)
        #expect(captured.standardOutput.count == 1)
        #expect(captured.standardOutput.first?.hasSuffix(Self.wee) == true)
        #expect(captured.standardError.count == 2)
        #expect(captured.standardError.first?.contains("/nonexistent/a.png") == true)
        #expect(captured.standardError.last?.contains("truncated") == true)
    }

    @Test func jsonLinesCarryTheSameValues() throws {
        let captured = CapturedOutput()
        let path = TestVectors.url("pdq/\(Self.wee)").path
        _ = PDQRunner.run(files: [path], options: .init(dihedral: true), output: captured.output)
        _ = PDQRunner.run(files: [path], options: .init(dihedral: true, json: true), output: captured.output)
        let csv = captured.standardOutput[0].split(separator: ",").map(String.init)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(captured.standardOutput[1].utf8)) as? [String: Any])
        #expect(object["hash"] as? String == csv[0])
        #expect(object["quality"] as? Int == Int(csv[1]))
        #expect(object["file"] as? String == path)
        #expect((object["dihedral"] as? [String: String])?["flipminus1"] == csv[9])
        #expect(object["width"] as? Int == 34 && object["format"] as? String == "jpeg")
    }

    @Test func exactHashesMatchCoreutilsLayout() throws {
        let captured = CapturedOutput()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-abc-\(UInt64.random(in: 0...UInt64.max))")
        try Data("abc".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(ExactHashRunner.run(algorithm: .md5, files: [file.path], json: false, output: captured.output) == 0)
        #expect(ExactHashRunner.run(algorithm: .sha256, files: [file.path, "/nonexistent"], json: false, output: captured.output) == 1)
        // RFC 1321 and FIPS 180-2 test values for "abc".
        #expect(
            captured.standardOutput == [
                "900150983cd24fb0d6963f7d28e17f72  \(file.path)",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  \(file.path)",
            ])
        #expect(captured.standardError.count == 1)
    }
}
