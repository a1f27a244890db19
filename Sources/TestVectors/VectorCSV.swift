/// A vector CSV file (header row first, RFC 4180 quoting) as rows of `column: value`.
///
/// Strict on purpose: a record whose field count differs from the header's is an error, so a
/// malformed vector file fails the test that reads it instead of silently losing rows.
public struct VectorCSV: Sendable {
    public let header: [String]
    public let rows: [[String: String]]

    /// Reads `relativePath` under the vector root.
    public init(_ relativePath: String) throws {
        try self.init(text: String(decoding: try TestVectors.data(relativePath), as: UTF8.self))
    }

    public init(text: String) throws(VectorCSVError) {
        let records = Self.parse(text)
        guard let header = records.first else {
            self.header = []
            self.rows = []
            return
        }
        var rows: [[String: String]] = []
        rows.reserveCapacity(records.count - 1)
        for (index, record) in records.dropFirst().enumerated() {
            guard record.count == header.count else {
                throw VectorCSVError(record: index + 2, expectedFields: header.count, actualFields: record.count)
            }
            rows.append(Dictionary(zip(header, record), uniquingKeysWith: { first, _ in first }))
        }
        self.header = header
        self.rows = rows
    }

    /// The rows of `relativePath`, or none when it cannot be read or parsed. For test arguments:
    /// every suite that uses it also asserts the number of rows it expects.
    public static func rows(_ relativePath: String) -> [[String: String]] {
        (try? VectorCSV(relativePath).rows) ?? []
    }

    /// Splits CSV text into records of fields. Quoted fields may hold commas, newlines and `""`.
    public static func parse(_ text: String) -> [[String]] {
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
            case ",":
                record.append(field)
                field = ""
            case "\n", "\r\n":
                record.append(field)
                field = ""
                records.append(record)
                record = []
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

/// A vector CSV record with the wrong number of fields.
public struct VectorCSVError: Error, CustomStringConvertible, Sendable {
    /// 1-based record number (the header is record 1).
    public let record: Int
    public let expectedFields: Int
    public let actualFields: Int

    public var description: String {
        "vector CSV record \(record) has \(actualFields) fields, the header has \(expectedFields)"
    }
}
