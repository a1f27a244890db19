import Foundation
import RelayStorage
import Testing

/// Every storage driver the conformance suite runs against. A PostgreSQL driver joins here.
enum StoreDriver: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case inMemory
    case sqlite

    var testDescription: String { rawValue }

    /// Runs `body` against a fresh, empty store, and removes its files afterwards.
    func withStore(_ body: (any RelayStore) async throws -> Void) async throws {
        switch self {
        case .inMemory:
            try await body(InMemoryRelayStore())
        case .sqlite:
            try await TemporaryDirectory.with("relay-storage") { directory in
                try await body(try SQLiteRelayStore(path: directory.appendingPathComponent("relay.sqlite").path))
            }
        }
    }
}
