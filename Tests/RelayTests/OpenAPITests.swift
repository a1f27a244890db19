import Foundation
import HTTPTypes
import Hummingbird
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

            // The other direction: every route the relay serves is documented.
            let routed = harnessRoutes(blobs: directory)
            let documented = Set(paths.flatMap { template, operations in operations.keys.map { "\($0.uppercased()) \(template)" } })
            #expect(routed.count >= 30)
            let undocumented = routed.subtracting(documented)
            #expect(undocumented.isEmpty, "routed but not in openapi.json: \(undocumented.sorted())")
        }
    }

    /// "METHOD /path/{parameter}" for every route of a relay with a blob store.
    func harnessRoutes(blobs directory: URL) -> Set<String> {
        guard let content = try? FileBlobContentStore(directory: directory) else { return [] }
        let router = Relay(store: InMemoryRelayStore(), blobContent: content).makeRouter()
        return Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }

    /// Every error code the relay can answer with (each `RelayError` in
    /// `Sources/Relay/RelayError.swift`) is named in openapi.json and in docs/relay.md's list.
    @Test func everyErrorCodeIsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: root.appendingPathComponent("Sources/Relay/RelayError.swift"), encoding: .utf8)
        // The code is the string literal followed by the message's: `"code", "message"`.
        let pattern = try NSRegularExpression(pattern: #""([a-z_]+)",\s*""#)
        let codes = Set(
            pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)).compactMap { match in
                Range(match.range(at: 1), in: source).map { String(source[$0]) }
            })
        #expect(codes.count >= 30 && codes.contains("insufficient_storage") && codes.contains("mailbox_full"), "\(codes.sorted())")
        let openAPI = try String(contentsOf: root.appendingPathComponent("Sources/Relay/Resources/openapi.json"), encoding: .utf8)
        let docs = try String(contentsOf: root.appendingPathComponent("docs/relay.md"), encoding: .utf8)
        for code in codes.sorted() {
            #expect(openAPI.contains(code), "\(code) is not in openapi.json")
            #expect(docs.contains("`\(code)`"), "\(code) is not in docs/relay.md")
        }
    }
}
