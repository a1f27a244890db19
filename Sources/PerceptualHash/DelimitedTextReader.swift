/// Splits delimited text (CSV in the RFC 4180 sense, tab- or space-separated lists) into records.
///
/// Tolerates what hand-made hash lists contain: a UTF-8 byte-order mark, CRLF or LF line ends,
/// blank lines, `#` comment lines, spaces around unquoted fields. Quoted fields may hold the
/// delimiter, line breaks and doubled quotes. With `.whitespace`, runs of spaces and tabs
/// separate fields and quotes are not special. Fields and rows are capped in size.
struct DelimitedTextReader {
    enum Delimiter: Hashable {
        case byte(UInt8)
        case whitespace
    }

    /// A record and the 1-based line it starts on. Fields are raw bytes (unquoted, unescaped).
    struct Record {
        var line: Int
        var fields: [[UInt8]]
    }

    private let bytes: [UInt8]
    private var position: Int
    private var line = 1
    let delimiter: Delimiter
    let maximumFieldLength: Int
    let maximumFieldCount: Int

    init(_ bytes: [UInt8], maximumFieldLength: Int, maximumFieldCount: Int) {
        self.bytes = bytes
        // Skip a UTF-8 byte-order mark.
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        self.maximumFieldLength = maximumFieldLength
        self.maximumFieldCount = maximumFieldCount
        delimiter = Self.detectDelimiter(bytes, from: position)
    }

    /// Comma if the first data line has one outside quotes, else tab, else runs of whitespace.
    private static func detectDelimiter(_ bytes: [UInt8], from start: Int) -> Delimiter {
        var index = start
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let lineBytes = bytes[index..<end].filter { $0 != UInt8(ascii: "\r") }
            let trimmed = lineBytes.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if !trimmed.isEmpty, trimmed.first != UInt8(ascii: "#") {
                var inQuotes = false
                var sawTab = false
                for byte in trimmed {
                    if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                    if !inQuotes, byte == UInt8(ascii: ",") { return .byte(UInt8(ascii: ",")) }
                    if !inQuotes, byte == UInt8(ascii: "\t") { sawTab = true }
                }
                if sawTab { return .byte(UInt8(ascii: "\t")) }
                return .whitespace
            }
            index = end + 1
        }
        return .byte(UInt8(ascii: ","))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The next non-blank, non-comment record, nil at the end, or an error for this record.
    ///
    /// After an error the reader has moved past the bad record, so reading can continue.
    mutating func next() -> Result<Record, HashBankImportError>? {
        while position < bytes.count {
            // Blank and comment lines.
            var probe = position
            while probe < bytes.count, Self.isSpace(bytes[probe]) { probe += 1 }
            if probe == bytes.count { position = probe; return nil }
            if bytes[probe] == UInt8(ascii: "\n") {
                position = probe + 1
                line += 1
                continue
            }
            if bytes[probe] == UInt8(ascii: "#") {
                while probe < bytes.count, bytes[probe] != UInt8(ascii: "\n") { probe += 1 }
                position = min(probe + 1, bytes.count)
                line += 1
                continue
            }
            return readRecord()
        }
        return nil
    }

    private mutating func readRecord() -> Result<Record, HashBankImportError> {
        let startLine = line
        var fields = [[UInt8]]()
        var field = [UInt8]()
        var failure: HashBankImportError.Reason?

        func finishField(_ value: [UInt8], quoted: Bool) {
            if value.count > maximumFieldLength { failure = failure ?? .fieldTooLong }
            if fields.count >= maximumFieldCount { failure = failure ?? .tooManyFields; return }
            fields.append(value)
        }

        if delimiter == .whitespace {
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") {
                let byte = bytes[position]
                position += 1
                if Self.isSpace(byte) {
                    if !field.isEmpty { finishField(field, quoted: false); field.removeAll(keepingCapacity: true) }
                } else if field.count <= maximumFieldLength {
                    field.append(byte)
                } else {
                    failure = failure ?? .fieldTooLong
                }
            }
            if !field.isEmpty { finishField(field, quoted: false) }
            if position < bytes.count { position += 1 }
            line += 1
            return failure.map { .failure(HashBankImportError($0, line: startLine)) } ?? .success(Record(line: startLine, fields: fields))
        }

        guard case .byte(let separator) = delimiter else { preconditionFailure("handled above") }
        var quoted = false
        var inQuotes = false
        var afterQuote = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    if field.count <= maximumFieldLength { field.append(byte) } else { failure = failure ?? .fieldTooLong }
                }
                continue
            }
            if byte == separator {
                finishField(quoted ? field : trimmed(field), quoted: quoted)
                field.removeAll(keepingCapacity: true)
                quoted = false
                afterQuote = false
            } else if byte == UInt8(ascii: "\n") {
                line += 1
                finishField(quoted ? field : trimmed(field), quoted: quoted)
                return failure.map { .failure(HashBankImportError($0, line: startLine)) } ?? .success(Record(line: startLine, fields: fields))
            } else if byte == UInt8(ascii: "\"") && !quoted && trimmed(field).isEmpty {
                field.removeAll(keepingCapacity: true)
                quoted = true
                inQuotes = true
            } else if afterQuote {
                // Text after a closing quote (`"ab"c`): keep it, as lenient CSV readers do,
                // except spaces and the CR of a CRLF.
                if !Self.isSpace(byte) { field.append(byte) }
            } else if field.count <= maximumFieldLength {
                field.append(byte)
            } else {
                failure = failure ?? .fieldTooLong
            }
        }
        if inQuotes {
            return .failure(HashBankImportError(.unterminatedQuote, line: startLine))
        }
        finishField(quoted ? field : trimmed(field), quoted: quoted)
        return failure.map { .failure(HashBankImportError($0, line: startLine)) } ?? .success(Record(line: startLine, fields: fields))
    }

    private func trimmed(_ field: [UInt8]) -> [UInt8] {
        guard let first = field.firstIndex(where: { !Self.isSpace($0) }) else { return [] }
        let last = field.lastIndex(where: { !Self.isSpace($0) }) ?? first
        return Array(field[first...last])
    }
}
