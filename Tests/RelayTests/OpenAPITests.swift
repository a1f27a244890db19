import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Relay
import RelayStorage
import Testing

/// `/openapi.json` is served, is OpenAPI 3.1, and every operation it documents exists.
@Suite struct OpenAPITests {
    @Test func everyDocumentedOperationIsRouted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await RelayHarness(blobContent: try FileBlobContentStore(directory: directory)).withClient { client in
            let response = try await client.send(.get, "/openapi.json", as: nil)
            #expect(response.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            #expect(paths.count >= 26)
            let sample = [
                "deviceID": String(repeating: "a", count: 32), "accountID": String(repeating: "b", count: 32), "username": "someone", "entryID": "1",
                "action": "accept",
                "uploadID": String(repeating: "c", count: 32), "blobID": String(repeating: "d", count: 64),
            ]
            var checked = 0
            for (template, operations) in paths {
                var path = template
                for (name, value) in sample { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                for method in operations.keys {
                    let response = try await client.send(HTTPRequest.Method(method.uppercased())!, path, as: nil)
                    // An unrouted request gets Hummingbird's bare 404; every relay route answers
                    // with a status of its own or a JSON error body.
                    let unrouted = response.status == .notFound && response.body.readableBytes == 0
                    #expect(!unrouted, "\(method.uppercased()) \(template) is documented but not routed")
                    checked += 1
                }
            }
            #expect(checked >= 25)
        }
    }
}
