import Foundation
import TestVectors

/// A decoded pixel vector: interleaved 8-bit RGB, row-major.
struct PixelVector {
    var width: Int
    var height: Int
    var rgb: [UInt8]
}

/// Why a pixel vector could not be loaded.
enum PixelVectorError: Error, CustomStringConvertible {
    case malformedPPM(String)
    /// The format needs a decoder this test target does not have yet (reported, never passed).
    case decoderPending(String)

    var description: String {
        switch self {
        case .malformedPPM(let why): "malformed PPM: \(why)"
        case .decoderPending(let what): "decoder pending: \(what)"
        }
    }
}

/// Loads the files of `pdq/pixels/`.
///
/// The PPM (P6, maxval 255) reader here is a minimal test helper so the PDQ core can be checked
/// without depending on the ImageDecoding module; the library's decoders are tested separately.
enum PixelVectors {
    static func load(_ relativePath: String) throws -> PixelVector {
        let data = try TestVectors.data("pdq/" + relativePath)
        if relativePath.hasSuffix(".ppm") { return try parsePPM(Array(data)) }
        throw PixelVectorError.decoderPending("PNG pixel vectors need the ImageDecoding PNG decoder")
    }

    static func isPending(_ relativePath: String) -> Bool { !relativePath.hasSuffix(".ppm") }

    static func parsePPM(_ bytes: [UInt8]) throws -> PixelVector {
        var index = 0
        func skipSpaceAndComments() {
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "#") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                } else if [9, 10, 11, 12, 13, 32].contains(bytes[index]) {
                    index += 1
                } else {
                    return
                }
            }
        }
        func number() throws -> Int {
            skipSpaceAndComments()
            var value = 0
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]), value < 1_000_000 {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard index > start else { throw PixelVectorError.malformedPPM("expected a number") }
            return value
        }
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "6") else {
            throw PixelVectorError.malformedPPM("not P6")
        }
        index = 2
        let width = try number()
        let height = try number()
        let maxval = try number()
        guard maxval == 255 else { throw PixelVectorError.malformedPPM("maxval \(maxval)") }
        index += 1  // exactly one whitespace byte before the raster
        let count = width * height * 3
        guard bytes.count - index == count else { throw PixelVectorError.malformedPPM("raster size") }
        return PixelVector(width: width, height: height, rgb: Array(bytes[index...]))
    }
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
