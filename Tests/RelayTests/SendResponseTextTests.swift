import Foundation
import HTTPTypes
import Hummingbird
import RelayAPI
import Testing

@testable import Relay

/// The sealed-send answer is written by hand; it must be the bytes `JSONEncoder` (sorted keys,
/// as `Relay.json`) wrote before.
@Suite struct SendResponseTextTests {
    @Test(arguments: [(0, true), (0, false), (1, false), (7, false), (1_000, false), (Int.max, false)])
    func sameBytesAsJSONEncoder(delivered: Int, duplicate: Bool) async throws {
        let response = Relay.sendResponse(delivered: delivered, duplicate: duplicate, status: .created)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let expected = try encoder.encode(SendResponse(delivered: delivered, duplicate: duplicate))
        let writes = WriteLog()
        try await response.body.write(RecordingBodyWriter(log: writes))
        #expect(response.status == .created)
        #expect(response.headers[.contentType] == "application/json")
        #expect(response.body.contentLength == expected.count)
        #expect(writes.bytes == expected)
    }
}
