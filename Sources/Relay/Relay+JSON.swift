import Foundation
import Hummingbird
import Metrics
import NIOCore
import RelayStorage

extension Relay {
    /// Reads the whole body, refusing more than `limit` bytes with `body_too_large`.
    func collectBody(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw RelayError.bodyTooLarge
        }
    }

    /// Decodes a JSON body; any decoding failure is `malformed_request` (the decoder's own
    /// description is not echoed: it may quote input).
    func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            throw RelayError.malformedRequest
        }
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Runs a store operation, turning storage refusals into API errors.
    func storage<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as RelayStorageError {
            throw RelayStorageErrorBridge(error: error).relayError
        }
    }

    /// Counts one event from the request's client address in `limiter` (in memory, see
    /// ``AddressRateLimiter``); throws `rate_limited` when any of its windows is full.
    func rateLimit(_ limiter: AddressRateLimiter, _ request: Request, _ context: RelayRequestContext) throws {
        guard limiter.admit(clientKey(request, context), now: now()) else {
            metrics.rateLimited.increment()
            throw RelayError.rateLimited
        }
    }

    /// Counts `cost` events (or bytes) against `windows`; throws `rate_limited` when any is full.
    func rateLimit(_ key: String, _ windows: [RateLimitWindow], cost: Int = 1) async throws {
        guard !windows.isEmpty else { return }
        guard try await store.consumeRateLimit(key, cost: cost, windows: windows, now: now()) else {
            metrics.rateLimited.increment()
            throw RelayError.rateLimited
        }
    }
}
