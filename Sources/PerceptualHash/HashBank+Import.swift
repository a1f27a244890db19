extension HashBank {
    /// How an import treats bad input, and its size limits (hash lists are untrusted input).
    public struct ImportOptions: Hashable, Sendable {
        /// Skip bad lines and report them in ``ImportReport/rejects`` instead of failing on the
        /// first one. Default false: the first bad line fails the import.
        public var continueOnBadLines = false
        /// With ``continueOnBadLines``, more rejects than this fail the import. Default 10,000.
        public var maximumRejects = 10_000
        /// More hashes than this fail the import; nil for no limit. Default nil.
        public var maximumEntries: Int?
        /// Longest field, in bytes. Default 4,096.
        public var maximumFieldLength = 4096
        /// Most fields per row. Default 256.
        public var maximumFieldCount = 256
        /// For a headerless file, the 0-based column holding the hash; nil to detect it.
        public var hashColumn: Int?
        /// For a headerless file, the 0-based column holding the id; nil to detect it
        /// (the first column that is neither the hash nor a signal type).
        public var idColumn: Int?

        public init() {}
    }

    /// The outcome of an import: the bank, and what was left out and why.
    public struct ImportReport: Hashable, Sendable {
        /// The imported hashes, in input order.
        public var bank: HashBank
        /// Lines (or records) skipped as bad, in input order (only with ``ImportOptions/continueOnBadLines``).
        public var rejects: [HashBankImportError]
        /// Rows of another signal type (an MD5 row in a mixed export, say), skipped by design.
        public var skippedOtherSignalTypes: Int
        /// ThreatExchange deletion records (`should_delete`), skipped by design.
        public var skippedDeletions: Int
        /// The shape the input was read as.
        public var format: Format
    }

    /// The input shapes the importers recognise.
    public struct Format: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Hashes one per line, or delimited rows without a header (`hash,id`, `id,hash`,
        /// python-threatexchange's `pdq <hash>` file lines, its `simple.HASH_PDQ.te` cache rows).
        public static let headerlessRows = Format("headerless rows")
        /// Delimited rows with a header naming the columns (see docs/known-material-matching.md).
        public static let headedRows = Format("rows with a header")
        /// ThreatExchange Graph API JSON: `threat_updates` / `threat_descriptors` records.
        public static let threatExchangeJSON = Format("ThreatExchange JSON")

        public var description: String { name }
    }

    /// Imports a hash list, detecting its shape: JSON (``importThreatExchangeJSON(_:name:source:options:)``)
    /// if it starts with `[` or `{`, otherwise delimited text (``importDelimited(_:name:source:options:)``).
    public static func importList(
        _ data: some Collection<UInt8>,
        name: String,
        source: String? = nil,
        options: ImportOptions = ImportOptions()
    ) throws(HashBankImportError) -> ImportReport {
        let bytes = Array(data)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let first = bytes[start...].first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
            return try importThreatExchangeJSON(bytes, name: name, source: source, options: options)
        }
        return try importDelimited(bytes, name: name, source: source, options: options)
    }

    /// Imports delimited text: CSV, tab-separated, or whitespace-separated rows.
    ///
    /// Shapes (details and column names in docs/known-material-matching.md):
    /// - one hash per line;
    /// - headerless rows: the hash column is the one holding 64 hex digits (`hash,id`, `id,hash`,
    ///   python-threatexchange's `simple.HASH_PDQ.te` cache `hash,descriptor_id,added_on,labels`,
    ///   its local-file lines `pdq <hash>`); a column of signal-type names is recognised;
    /// - rows with a header: the hash from `pdq_hash`, `pdq`, `hash`, `signal_str`, `signal_value`,
    ///   `signal`, `indicator`, `raw_indicator` or `value`; rows whose `signal_type` /
    ///   `indicator_type` / `type` names another signal type are skipped (`HASH_PDQ`, `pdq`,
    ///   `ImagePDQ` and empty count as PDQ); optional id and `quality` columns.
    ///
    /// Blank lines and lines starting with `#` are ignored everywhere.
    public static func importDelimited(
        _ data: some Collection<UInt8>,
        name: String,
        source: String? = nil,
        options: ImportOptions = ImportOptions()
    ) throws(HashBankImportError) -> ImportReport {
        var reader = DelimitedTextReader(Array(data), maximumFieldLength: max(1, options.maximumFieldLength), maximumFieldCount: max(1, options.maximumFieldCount))
        var builder = ImportBuilder(name: name, source: source, options: options)
        var columns: Columns?
        var format = Format.headerlessRows
        while let next = reader.next() {
            let record: DelimitedTextReader.Record
            switch next {
            case .success(let value): record = value
            case .failure(let error):
                // An open quote swallows the rest of the input: never skip silently past it.
                if error.reason == .unterminatedQuote { throw error }
                try builder.reject(error)
                continue
            }
            if columns == nil {
                let detected = try Columns.detect(record, options: options)
                columns = detected
                if detected.isHeader {
                    format = .headedRows
                    continue
                }
            }
            guard let columns else { continue }
            try builder.add(record, columns: columns)
        }
        return builder.report(format: format)
    }
}

/// Which column holds what, from the header or from the first row.
struct Columns: Hashable {
    var isHeader: Bool
    var hash: Int
    var id: Int?
    var type: Int?
    var quality: Int?

    /// Header names, most specific first.
    static let hashNames = ["pdq_hash", "pdq", "hash", "signal_str", "signal_value", "signal", "indicator", "raw_indicator", "value", "hash_value"]
    static let typeNames = ["signal_type", "indicator_type", "type", "hash_type"]
    static let idNames = ["id", "content_id", "bank_content_id", "indicator_id", "descriptor_id", "first_descriptor_id", "signal_id", "hash_id", "external_id"]
    static let qualityNames = ["quality", "pdq_quality"]

    /// Signal-type names that mean PDQ (ThreatExchange, python-threatexchange, StopNCII; spec §10).
    static let pdqTypeNames: Set<String> = ["hash_pdq", "pdq", "imagepdq", "pdq_hash", "photo_pdq"]

    static func detect(_ record: DelimitedTextReader.Record, options: HashBank.ImportOptions) throws(HashBankImportError) -> Columns {
        let texts = record.fields.map { String(decoding: $0, as: UTF8.self) }
        let hashLike = texts.indices.filter { PDQHash(hex: texts[$0]) != nil }
        if let hashColumn = options.hashColumn ?? (hashLike.count == 1 ? hashLike[0] : nil) {
            // A data row: no header.
            let typeColumn = texts.indices.first { $0 != hashColumn && pdqTypeNames.contains(texts[$0].lowercased()) }
            let idColumn = options.idColumn ?? texts.indices.first { $0 != hashColumn && $0 != typeColumn }
            return Columns(isHeader: false, hash: hashColumn, id: idColumn, type: typeColumn, quality: nil)
        }
        if hashLike.count > 1 {
            throw HashBankImportError(.ambiguousHashColumns, line: record.line)
        }
        let names = texts.map { $0.trimmingSpacesAndQuotes().lowercased() }
        func column(_ candidates: [String]) -> Int? {
            for candidate in candidates { if let index = names.firstIndex(of: candidate) { return index } }
            return nil
        }
        if let hashColumn = column(hashNames) {
            return Columns(isHeader: true, hash: hashColumn, id: column(idNames), type: column(typeNames), quality: column(qualityNames))
        }
        if record.fields.count == 1 {
            // A one-column list whose first line is a damaged hash, not a header.
            return Columns(isHeader: false, hash: 0, id: nil, type: nil, quality: nil)
        }
        throw HashBankImportError(.missingHashColumn, line: record.line)
    }
}

extension String {
    fileprivate func trimmingSpacesAndQuotes() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\"" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\"" { scalars.removeLast() }
        return String(scalars)
    }
}

/// Accumulates entries and rejects under the options' limits.
struct ImportBuilder {
    private(set) var bank: HashBank
    private(set) var rejects = [HashBankImportError]()
    var skippedOtherSignalTypes = 0
    var skippedDeletions = 0
    let options: HashBank.ImportOptions

    init(name: String, source: String?, options: HashBank.ImportOptions) {
        bank = HashBank(name: name, source: source)
        self.options = options
    }

    /// Records a bad line, or throws it when bad lines are fatal or too many.
    mutating func reject(_ error: HashBankImportError) throws(HashBankImportError) {
        guard options.continueOnBadLines else { throw error }
        guard rejects.count < options.maximumRejects else {
            throw HashBankImportError(.tooManyRejects, line: error.line, record: error.record)
        }
        rejects.append(error)
    }

    /// Adds one entry, enforcing the entry limit.
    mutating func add(_ entry: HashBank.Entry) throws(HashBankImportError) {
        if let maximum = options.maximumEntries, bank.count >= maximum {
            throw HashBankImportError(.tooManyEntries)
        }
        bank.append(entry)
    }

    /// Interprets one delimited row.
    mutating func add(_ record: DelimitedTextReader.Record, columns: Columns) throws(HashBankImportError) {
        let fields = record.fields
        if let type = columns.type, type < fields.count, !fields[type].isEmpty {
            let name = String(decoding: fields[type], as: UTF8.self).lowercased()
            if !Columns.pdqTypeNames.contains(name) {
                skippedOtherSignalTypes += 1
                return
            }
        }
        guard columns.hash < fields.count else {
            return try reject(HashBankImportError(.missingField, line: record.line))
        }
        guard let hash = PDQHash(hex: String(decoding: fields[columns.hash], as: UTF8.self)) else {
            return try reject(HashBankImportError(.invalidHash, line: record.line))
        }
        var id: String?
        if let column = columns.id, column < fields.count, !fields[column].isEmpty {
            guard let text = String(validating: fields[column], as: UTF8.self) else {
                return try reject(HashBankImportError(.invalidText, line: record.line))
            }
            id = text
        }
        var quality: Int?
        if let column = columns.quality, column < fields.count, !fields[column].isEmpty {
            guard let value = Int(String(decoding: fields[column], as: UTF8.self)), (0...100).contains(value) else {
                return try reject(HashBankImportError(.invalidQuality, line: record.line))
            }
            quality = value
        }
        try add(HashBank.Entry(hash: hash, id: id, quality: quality))
    }

    func report(format: HashBank.Format) -> HashBank.ImportReport {
        HashBank.ImportReport(bank: bank, rejects: rejects, skippedOtherSignalTypes: skippedOtherSignalTypes, skippedDeletions: skippedDeletions, format: format)
    }
}
