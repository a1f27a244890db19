import Foundation
import Logging
import Relay
import Synchronization
import Testing

/// The deferred handler must print what the wrapped `StreamLogHandler` printed with the
/// metadata set on it directly.
@Suite struct DeferredMetadataLogHandlerTests {
    final class Lines: TextOutputStream, Sendable {
        private let lines = Mutex<[String]>([])
        func write(_ string: String) { lines.withLock { $0.append(string) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// The line without its leading timestamp.
    static func withoutTimestamp(_ line: String) -> Substring {
        line[(line.range(of: " info ")?.lowerBound ?? line.startIndex)...]
    }

    @Test func printsTheSameLines() throws {
        let direct = Lines()
        let deferred = Lines()
        var plain = Logger(label: "letterlock.test") { StreamLogHandler(label: $0, stream: direct, metadataProvider: nil) }
        var wrapped = Logger(label: "letterlock.test") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: deferred, metadataProvider: nil)) }
        plain[metadataKey: "hb.request.id"] = "42"
        wrapped[metadataKey: "hb.request.id"] = "42"
        plain[metadataKey: "a"] = "handler"
        wrapped[metadataKey: "a"] = "handler"
        for logger in [plain, wrapped] {
            logger.info("request", metadata: ["route": "/v1/x", "a": "event wins"])
            logger.info("plain")
            logger.debug("below the level")
        }
        #expect(direct.all.count == 2)
        #expect(direct.all.map(Self.withoutTimestamp) == deferred.all.map(Self.withoutTimestamp))
        #expect(deferred.all.first?.contains("a=event wins") == true)
        #expect(deferred.all.first?.contains("hb.request.id=42") == true)
        #expect(wrapped[metadataKey: "hb.request.id"] == "42")
        wrapped.logLevel = .debug
        #expect(wrapped.logLevel == .debug)
    }
}
