import Foundation

extension HashBank {
    /// Imports ThreatExchange Graph API JSON: PDQ records of `threat_updates`,
    /// `threat_descriptors` or `threat_indicators` responses.
    ///
    /// Accepted shapes: a response page `{"data": [ … ], "paging": …}`, a bare array of records,
    /// a single record, or JSON Lines (one record per line, as a fetcher might save them).
    /// In a record, the hash is `indicator` (a string, or an object with `indicator` and `type`,
    /// as `threat_indicators` nests it), else `raw_indicator` (`threat_descriptors`), else
    /// `signal_value` / `pdq_hash` / `hash`; the type is `type` / `indicator_type` /
    /// `signal_type` (`HASH_PDQ`; other types are skipped, a missing type counts as PDQ);
    /// the id is `id` (string or number); `should_delete: true` records (deletions in
    /// `threat_updates`) are skipped and counted; an optional `quality` is kept.
    public static func importThreatExchangeJSON(
        _ data: some Collection<UInt8>,
        name: String,
        source: String? = nil,
        options: ImportOptions = ImportOptions()
    ) throws(HashBankImportError) -> ImportReport {
        let bytes = Data(data)
        var builder = ImportBuilder(name: name, source: source, options: options)
        if let document = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]) {
            let records: [Any]
            if let array = document as? [Any] {
                records = array
            } else if let object = document as? [String: Any], let page = object["data"] {
                guard let array = page as? [Any] else { throw HashBankImportError(.invalidJSON) }
                records = array
            } else if document is [String: Any] {
                records = [document]
            } else {
                throw HashBankImportError(.invalidJSON)
            }
            for (index, record) in records.enumerated() {
                try builder.add(jsonRecord: record, line: nil, record: index + 1)
            }
            return builder.report(format: .threatExchangeJSON)
        }
        // JSON Lines: each non-blank line one record.
        var lineNumber = 0
        var sawRecord = false
        for line in Array(bytes).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }) else { continue }
            guard let record = try? JSONSerialization.jsonObject(with: Data(line), options: []) else {
                // A first line that is not JSON means the whole input is not JSON Lines.
                if !sawRecord { throw HashBankImportError(.invalidJSON, line: lineNumber) }
                try builder.reject(HashBankImportError(.invalidJSON, line: lineNumber))
                continue
            }
            sawRecord = true
            try builder.add(jsonRecord: record, line: lineNumber, record: nil)
        }
        return builder.report(format: .threatExchangeJSON)
    }
}

extension ImportBuilder {
    static let jsonHashKeys = ["indicator", "raw_indicator", "signal_value", "pdq_hash", "hash", "signal_str"]
    static let jsonTypeKeys = ["type", "indicator_type", "signal_type"]

    /// Interprets one ThreatExchange JSON record.
    mutating func add(jsonRecord: Any, line: Int?, record: Int?) throws(HashBankImportError) {
        guard let object = jsonRecord as? [String: Any] else {
            return try reject(HashBankImportError(.invalidJSON, line: line, record: record))
        }
        if (object["should_delete"] as? Bool) == true {
            skippedDeletions += 1
            return
        }
        var hashValue: Any?
        var typeValue: Any? = Self.jsonTypeKeys.lazy.compactMap { object[$0] }.first
        for key in Self.jsonHashKeys {
            guard let value = object[key] else { continue }
            if let nested = value as? [String: Any] {
                // `threat_indicators` and some descriptor fields nest {"id", "indicator", "type"}.
                hashValue = nested["indicator"]
                typeValue = typeValue ?? nested["type"]
            } else {
                hashValue = value
            }
            break
        }
        if let type = typeValue as? String, !type.isEmpty, !Columns.pdqTypeNames.contains(type.lowercased()) {
            skippedOtherSignalTypes += 1
            return
        }
        guard let hashValue else {
            return try reject(HashBankImportError(.missingIndicator, line: line, record: record))
        }
        guard let text = hashValue as? String, let hash = PDQHash(hex: text) else {
            return try reject(HashBankImportError(.invalidHash, line: line, record: record))
        }
        var id: String?
        switch object["id"] {
        case let text as String: id = text.isEmpty ? nil : text
        case let number as Int: id = String(number)
        default: id = nil
        }
        if let text = id, text.utf8.count > options.maximumFieldLength {
            return try reject(HashBankImportError(.fieldTooLong, line: line, record: record))
        }
        var quality: Int?
        if let value = object["quality"], !(value is NSNull) {
            guard let number = value as? Int, (0...100).contains(number) else {
                return try reject(HashBankImportError(.invalidQuality, line: line, record: record))
            }
            quality = number
        }
        try add(HashBank.Entry(hash: hash, id: id, quality: quality))
    }
}
