import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MetricsTestKit
@testable import Relay
import RelayAPI
import RelayStorage
import Synchronization
import Testing

/// ``RelayMiddleware`` does what the four middlewares it replaced did: the request log line, the
/// request metrics under Hummingbird's `MetricsMiddleware` names, and the coarse per-address limit
/// (health probes exempt). The mapping of other errors to `internal_error`, logged by type only,
/// is `ReviewFixTests.storeFailuresAreInternalErrorsLoggedWithoutDetailAndMakeTheRelayNotReady`.
@Suite struct RelayMiddlewareTests {
    /// Log events as the handler receives them, metadata as text.
    final class Events: Sendable {
        struct Event: Sendable {
            let level: Logger.Level
            let message: String
            let metadata: [String: String]
        }

        private let events = Mutex<[Event]>([])
        var all: [Event] { events.withLock { $0 } }

        struct Handler: LogHandler {
            let events: Events
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                let merged = metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }
                events.events.withLock { $0.append(Event(level: event.level, message: "\(event.message)", metadata: merged)) }
            }
        }

        /// The `request` lines, without their duration (checked apart).
        var requestLines: [String] {
            all.filter { $0.message == "request" }.map { event in
                "\(event.level) \(event.metadata["method"] ?? "-") \(event.metadata["route"] ?? "-") \(event.metadata["status"] ?? "-")"
            }
        }
    }

    private static func dimensions(_ route: String, _ method: String, _ status: Int) -> [(String, String)] {
        [("http.route", route), ("http.request.method", method), ("http.response.status_code", String(status))]
    }

    /// The route of an unmatched request is `NotFound` (Hummingbird's not-found responder sets it).
    @Test(arguments: [Logger.Level.info, .debug])
    func logLinesMetricsAndErrorBodies(level: Logger.Level) async throws {
        let events = Events()
        let logger = Logger(label: "relay") { _ in Events.Handler(events: events, logLevel: level) }
        var configuration = Relay.Configuration()
        configuration.addressRequestLimit = RateLimitWindow(seconds: 60, limit: 8)
        let clock = TestClock()
        let relay = Relay(store: InMemoryRelayStore(), configuration: configuration, now: { clock.now() }, logger: logger)
        let metrics = TestMetrics()
        try await Application(router: relay.makeRouter(metricsFactory: metrics), logger: logger).test(.router) { raw in
            let client = RelayTestClient(client: raw, clock: clock)
            let bob = try await client.register()  // 1 (counted by the address limit)
            let token = try await client.rotateToken(bob)  // 2
            let payload = MLSMessageBuilder.privateMessage(group: "g", epoch: 1, contentType: 1)
            #expect(try await client.sealed(payload, to: [(bob, token)]).status == .created)  // 3
            #expect(try await client.sealed(payload, to: [(bob, Data(count: 32))]).errorCode == "unknown_recipient")  // 4
            #expect(try await client.send(.get, "/v1/nowhere", as: nil).status == .notFound)  // 5
            for _ in 0..<3 { #expect(try await client.send(.get, "/healthz", as: nil).status == .ok) }  // not counted
            for _ in 6...8 { #expect(try await client.send(.get, "/v1/nowhere", as: nil).status == .notFound) }
            let limited = try await client.sealed(payload, to: [(bob, token)])
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
            #expect(try await client.send(.get, "/healthz", as: nil).status == .ok, "probes are never limited")
        }

        // The log: one line per request; a successful sealed send at debug only.
        var expected = [
            "info POST /v1/accounts 201", "info POST /v1/delivery-token 201", "debug POST /v1/messages/sealed 201",
            "info POST /v1/messages/sealed 404", "info GET NotFound 404",
        ]
        expected += Array(repeating: "info GET /healthz 200", count: 3) + Array(repeating: "info GET NotFound 404", count: 3)
        expected += ["info POST /v1/messages/sealed 429", "info GET /healthz 200"]
        #expect(events.requestLines == expected.filter { level == .debug || !$0.hasPrefix("debug") })
        #expect(events.all.filter { $0.message == "request" }.allSatisfy { Int($0.metadata["ms"] ?? "") != nil && $0.metadata.count == 4 })

        // The metrics, under Hummingbird's names and dimensions.
        func requests(_ route: String, _ method: String, _ status: Int) -> Int64 {
            metrics.counterTotal(label: "hb.requests", dimensions: Self.dimensions(route, method, status))
        }
        func errors(_ route: String, _ method: String, _ status: Int) -> Int64 {
            metrics.counterTotal(
                label: "hb.request.errors", dimensions: [("http.route", route), ("http.request.method", method), ("error.type", String(status))])
        }
        #expect(requests("/v1/accounts", "POST", 201) == 1 && requests("/v1/delivery-token", "POST", 201) == 1)
        #expect(requests("/v1/messages/sealed", "POST", 201) == 1 && errors("/v1/messages/sealed", "POST", 201) == 0)
        #expect(requests("/v1/messages/sealed", "POST", 404) == 1 && errors("/v1/messages/sealed", "POST", 404) == 1)
        #expect(requests("/v1/messages/sealed", "POST", 429) == 1 && errors("/v1/messages/sealed", "POST", 429) == 1)
        #expect(requests("NotFound", "GET", 404) == 4 && errors("NotFound", "GET", 404) == 4)
        #expect(requests("/healthz", "GET", 200) == 4)
        #expect(metrics.counterTotal(label: "hb.requests") == 13)
        #expect(metrics.counterTotal(label: "hb.request.errors") == 6)
        // Timed: the answers (not the errors), one timer per route, method and status.
        let durations = metrics.timers(label: "http.server.request.duration").filter { !$0.values.isEmpty }
        #expect(Set(durations.map { $0.dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") }).count == 4)
        #expect(durations.allSatisfy { $0.values.allSatisfy { $0 >= 0 } } && durations.map(\.values.count).reduce(0, +) == 7)
        for method in ["GET", "POST"] {
            let active = try metrics.expectMeter("http.server.active_requests", [("http.request.method", method)])
            #expect(active.lastValue == 0, "every request in progress ended (\(method))")
        }
    }
}
