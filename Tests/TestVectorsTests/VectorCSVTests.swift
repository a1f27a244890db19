import Testing
import TestVectors

@Suite struct VectorCSVTests {
    @Test func quotedFieldsKeepCommasNewlinesAndQuotes() throws {
        let csv = try VectorCSV(text: "file,note\r\na.png,\"x, \"\"y\"\"\nz\"\nb.png,plain\n")
        #expect(csv.header == ["file", "note"])
        #expect(csv.rows == [["file": "a.png", "note": "x, \"y\"\nz"], ["file": "b.png", "note": "plain"]])
    }

    @Test func aRecordWithTheWrongFieldCountIsAnError() {
        #expect(throws: VectorCSVError.self) { try VectorCSV(text: "a,b\n1,2\n3\n") }
        do {
            _ = try VectorCSV(text: "a,b\n1,2,3\n")
            Issue.record("a record with three fields under a two-field header was accepted")
        } catch {
            #expect(error.record == 2 && error.expectedFields == 2 && error.actualFields == 3)
        }
    }

    @Test func emptyTextHasNoRows() throws {
        let csv = try VectorCSV(text: "")
        #expect(csv.header.isEmpty && csv.rows.isEmpty)
    }
}
