import Testing

@testable import PerceptualHash

/// Importing hash lists: the shapes we accept and the errors we give.
@Suite struct HashBankImportTests {
    static let a = "f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95"
    static let b = "b062eb9d2ab170c0567fcb672d9a5548c5612982dd5e374a7424ebbc8b135cb5"
    static let c = "b022eb9c2eb170c1567fcb672d9a5568c561218add1e374a70a4ebbc8b135cb5"

    static func load(_ text: String, options: HashBank.ImportOptions = HashBank.ImportOptions()) throws(HashBankImportError) -> HashBank.ImportReport {
        try HashBank.importList(Array(text.utf8), name: "test", source: "unit test", options: options)
    }

    static func hex(_ report: HashBank.ImportReport) -> [String] { report.bank.entries.map(\.hash.hex) }
    static func ids(_ report: HashBank.ImportReport) -> [String?] { report.bank.entries.map(\.id) }

    @Test func plainListWithCommentsBlankLinesCRLFAndBOM() throws {
        let text = "\u{FEFF}# exported list\r\n\(Self.a)\r\n\r\n   \n\(Self.b.uppercased())\n# trailing comment\n\(Self.c)"
        let report = try Self.load(text)
        #expect(Self.hex(report) == [Self.a, Self.b, Self.c])
        #expect(Self.ids(report) == [nil, nil, nil])
        #expect(report.format == .headerlessRows)
        #expect(report.bank.name == "test" && report.bank.source == "unit test")
    }

    @Test func hashThenIdAndIdThenHashWithoutHeader() throws {
        let hashFirst = try Self.load("\(Self.a),item-1\n\(Self.b),item-2\n")
        #expect(Self.hex(hashFirst) == [Self.a, Self.b])
        #expect(Self.ids(hashFirst) == ["item-1", "item-2"])
        let idFirst = try Self.load("17,\(Self.a)\n18,\(Self.b)\n")
        #expect(Self.hex(idFirst) == [Self.a, Self.b])
        #expect(Self.ids(idFirst) == ["17", "18"])
        let tabs = try Self.load("x1\t\(Self.a)\nx2\t\(Self.b)\n")
        #expect(Self.ids(tabs) == ["x1", "x2"])
    }

    @Test func headedRowsInAnyColumnOrder() throws {
        let report = try Self.load("id,pdq_hash,quality\n1,\(Self.a),90\n2,\(Self.b),\n\"3\",\"\(Self.c)\",40\n")
        #expect(report.format == .headedRows)
        #expect(Self.hex(report) == [Self.a, Self.b, Self.c])
        #expect(Self.ids(report) == ["1", "2", "3"])
        #expect(report.bank.entries.map(\.quality) == [90, nil, 40])
    }

    /// ThreatExchange-style rows: `indicator`, `indicator_type`; other types are skipped.
    @Test func threatExchangeIndicatorRows() throws {
        let text = """
            indicator,indicator_type,id,tags
            \(Self.a),HASH_PDQ,3058061737574159,"csam, verified"
            facefacefacefacefacefacefaceface,HASH_MD5,3058061737574160,
            \(Self.b),HASH_PDQ,3058061737574161,
            """
        let report = try Self.load(text)
        #expect(Self.hex(report) == [Self.a, Self.b])
        #expect(Self.ids(report) == ["3058061737574159", "3058061737574161"])
        #expect(report.skippedOtherSignalTypes == 1)
    }

    /// `threatexchange dataset -P --csv`: collab,signal_type,signal_str,category,tags.
    @Test func pythonThreatExchangeDatasetCSV() throws {
        let text = """
            collab,signal_type,signal_str,category,tags
            Sample Data,pdq,\(Self.a),POSITIVE_CLASS,media_type_photo
            Sample Data,md5,d41d8cd98f00b204e9800998ecf8427e,POSITIVE_CLASS,
            Sample Data,pdq,\(Self.c),POSITIVE_CLASS,
            """
        let report = try Self.load(text)
        #expect(Self.hex(report) == [Self.a, Self.c])
        #expect(report.skippedOtherSignalTypes == 1)
    }

    /// python-threatexchange's local-file exchange lines (`pdq <hash>`) and its
    /// `simple.HASH_PDQ.te` cache rows (`hash,descriptor_id,added_on,labels`).
    @Test func pythonThreatExchangeFileShapes() throws {
        let fileLines = try Self.load("pdq \(Self.a)\nmd5 d41d8cd98f00b204e9800998ecf8427e\npdq \(Self.b)\n")
        #expect(Self.hex(fileLines) == [Self.a, Self.b])
        #expect(Self.ids(fileLines) == [nil, nil])
        #expect(fileLines.skippedOtherSignalTypes == 1)

        let cache = try Self.load("\(Self.a),2880742865368386,2020-07-31T18:47:45+0000,media_type_photo\n\(Self.b),2880742865368387,mine,\"a b\"\n")
        #expect(Self.ids(cache) == ["2880742865368386", "2880742865368387"])
    }

    @Test func aBadLineFailsWithItsLineNumberOnly() throws {
        let secret = "not-a-hash-but-private"
        let text = "# list\n\(Self.a)\n\n\(secret)\n\(Self.b)\n"
        #expect(throws: HashBankImportError(.invalidHash, line: 4)) { try Self.load(text) }
        do {
            _ = try Self.load(text)
        } catch {
            #expect(!error.description.contains(secret))
            #expect(error.description == "invalid PDQ hash (expected 64 hex digits) on line 4")
        }
    }

    @Test func badLinesCanBeCollected() throws {
        var options = HashBank.ImportOptions()
        options.continueOnBadLines = true
        let text = "hash,id,quality\n\(Self.a),1,50\nxyz,2,50\n\(Self.b),3,101\n\(Self.c),4,7\n\(Self.a)\n"
        let report = try Self.load(text, options: options)
        #expect(Self.hex(report) == [Self.a, Self.c, Self.a])
        #expect(report.rejects == [HashBankImportError(.invalidHash, line: 3), HashBankImportError(.invalidQuality, line: 4)])

        options.maximumRejects = 1
        #expect(throws: HashBankImportError(.tooManyRejects, line: 4)) { try Self.load(text, options: options) }
    }

    @Test func structuralErrors() throws {
        #expect(throws: HashBankImportError(.ambiguousHashColumns, line: 1)) { try Self.load("\(Self.a),\(Self.b)\n") }
        var options = HashBank.ImportOptions()
        options.hashColumn = 1
        options.idColumn = 0
        let resolved = try Self.load("\(Self.a),\(Self.b)\n", options: options)
        #expect(Self.hex(resolved) == [Self.b])
        #expect(Self.ids(resolved) == [Self.a])

        #expect(throws: HashBankImportError(.missingHashColumn, line: 2)) { try Self.load("# header\nname,comment\nx,y\n") }
        // An open quote swallows the rest: fatal even when collecting rejects.
        options = HashBank.ImportOptions()
        options.continueOnBadLines = true
        #expect(throws: HashBankImportError(.unterminatedQuote, line: 2)) { try Self.load("\(Self.a),1\n\(Self.b),\"2\n\(Self.c),3\n", options: options) }
        options.maximumEntries = 2
        #expect(throws: HashBankImportError(.tooManyEntries)) { try Self.load("\(Self.a)\n\(Self.b)\n\(Self.c)\n", options: options) }
        options.maximumFieldLength = 70
        let long = try Self.load("\(Self.a),\(String(repeating: "x", count: 71))\n\(Self.b),ok\n", options: options)
        #expect(long.rejects == [HashBankImportError(.fieldTooLong, line: 1)])
        #expect(Self.hex(long) == [Self.b])
        // A one-column list whose first line is damaged is a list, not a header.
        let damaged = try Self.load("\(Self.a.dropLast())\n\(Self.b)\n", options: options)
        #expect(damaged.rejects == [HashBankImportError(.invalidHash, line: 1)])
        #expect(try Self.load("").bank.count == 0)
        #expect(try Self.load("# nothing\n\n").bank.count == 0)
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndNewlines() throws {
        let text = "id,hash\n\"a,\"\"b\"\"\nc\",\(Self.a)\nplain,\(Self.b)\n"
        let report = try Self.load(text)
        #expect(Self.ids(report) == ["a,\"b\"\nc", "plain"])
        var options = HashBank.ImportOptions()
        options.continueOnBadLines = true
        let bad = try Self.load("id,hash\n\"multi\nline\",zz\nok,\(Self.b)\n", options: options)
        #expect(bad.rejects == [HashBankImportError(.invalidHash, line: 2)], "a record's line is where it starts")
    }

    @Test func idsMustBeUTF8() throws {
        var bytes = Array("\(Self.a),".utf8)
        bytes += [0xFF, 0xFE, 0x0A]
        #expect(throws: HashBankImportError(.invalidText, line: 1)) { try HashBank.importList(bytes, name: "x") }
    }

    // MARK: ThreatExchange JSON

    @Test func threatUpdatesPage() throws {
        let json = """
            {"data": [
              {"id": "1", "indicator": "\(Self.a)", "type": "HASH_PDQ", "should_delete": false, "last_updated": 1600000000},
              {"id": "2", "indicator": "\(Self.b)", "type": "HASH_PDQ", "should_delete": true},
              {"id": "3", "indicator": "d41d8cd98f00b204e9800998ecf8427e", "type": "HASH_MD5", "should_delete": false},
              {"id": 4, "raw_indicator": "\(Self.c)", "type": "HASH_PDQ", "status": "MALICIOUS"}
            ], "paging": {"cursors": {"after": "x"}}}
            """
        let report = try Self.load(json)
        #expect(report.format == .threatExchangeJSON)
        #expect(Self.hex(report) == [Self.a, Self.c])
        #expect(Self.ids(report) == ["1", "4"])
        #expect(report.skippedDeletions == 1)
        #expect(report.skippedOtherSignalTypes == 1)
    }

    @Test func threatIndicatorsArrayAndJSONLines() throws {
        let array = "[{\"id\": \"9\", \"indicator\": {\"id\": \"77\", \"indicator\": \"\(Self.a)\", \"type\": \"HASH_PDQ\"}}, {\"indicator\": \"\(Self.b)\", \"quality\": 80}]"
        let fromArray = try Self.load(array)
        #expect(Self.hex(fromArray) == [Self.a, Self.b])
        #expect(fromArray.bank.entries.map(\.quality) == [nil, 80])

        var options = HashBank.ImportOptions()
        options.continueOnBadLines = true
        let lines = "{\"id\":\"1\",\"indicator\":\"\(Self.a)\",\"type\":\"HASH_PDQ\"}\n\n{broken\n{\"id\":\"3\",\"indicator\":\"nothex\"}\n{\"id\":\"4\"}\n[1]\n"
        let fromLines = try Self.load(lines, options: options)
        #expect(Self.hex(fromLines) == [Self.a])
        #expect(
            fromLines.rejects == [
                HashBankImportError(.invalidJSON, line: 3), HashBankImportError(.invalidHash, line: 4),
                HashBankImportError(.missingIndicator, line: 5), HashBankImportError(.invalidJSON, line: 6),
            ]
        )
        #expect(throws: HashBankImportError(.invalidJSON, record: 2)) { try Self.load("[{\"indicator\":\"\(Self.a)\"}, 5]") }
        #expect(throws: HashBankImportError(.invalidJSON, line: 1)) { try Self.load("{not json") }
        #expect(throws: HashBankImportError(.invalidJSON)) { try Self.load("{\"data\": 3}") }
    }
}
