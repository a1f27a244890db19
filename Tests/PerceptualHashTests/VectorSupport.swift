import Foundation
import ImageDecoding
import TestVectors

/// Decodes the files of `pdq/pixels/` with the library's ``ImageDecoder``.
enum PixelVectors {
    static func load(_ relativePath: String) throws -> RGBImage {
        try ImageDecoder().decode(contentsOf: TestVectors.url("pdq/" + relativePath).path).image
    }

    /// Whether the decoder handles PNG yet (the 3 large synthetic vectors are PNG). Checked by
    /// decoding one, so the PNG rows switch on by themselves once the decoder lands; until then
    /// they are reported as skipped, never passed.
    static let pngDecoderAvailable: Bool = {
        do {
            _ = try load("pixels/synth-1024x768.png")
            return true
        } catch {
            return false
        }
    }()

    static func isPNG(_ relativePath: String) -> Bool { relativePath.hasSuffix(".png") }
}

/// A CSV file with a header row (RFC 4180 quoting), as the vector files are written.
struct VectorCSV {
    var header: [String]
    var rows: [[String: String]]

    init(_ relativePath: String) throws {
        let text = String(decoding: try TestVectors.data(relativePath), as: UTF8.self)
        let records = Self.parse(text)
        guard let header = records.first else {
            self.header = []
            self.rows = []
            return
        }
        self.header = header
        self.rows = records.dropFirst().filter { $0.count == header.count }.map { record in
            Dictionary(uniqueKeysWithValues: zip(header, record))
        }
    }

    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\n", "\r\n":
                record.append(field); field = ""
                records.append(record); record = []
            case "\r": break
            default: field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}

/// Lines of a hash-list file (one hex hash per line; blank lines ignored).
func hashListLines(_ relativePath: String) throws -> [String] {
    String(decoding: try TestVectors.data(relativePath), as: UTF8.self)
        .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
