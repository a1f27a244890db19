import Crypto
import FileCipher
import Foundation
import Hummingbird
import LetterlockFiles
import Logging
import RelayAPI
import ServiceLifecycle
import Testing

/// Session 4 review L1: the upload status comes from the relay and is checked before the client
/// computes with it; a hostile answer is a typed error, never a trap.
@Suite struct HostileUploadStatusTests {
    /// Runs `body` against a server that answers every upload status with `offset` and `size`.
    static func withHostileRelay(offset: Int64, size: Int64, _ body: @Sendable (URL) async throws -> Void) async throws {
        var logger = Logger(label: "letterlock.files.tests.hostile")
        logger.logLevel = .critical
        let router = Router()
        router.get("/v1/blobs/uploads/:uploadID") { _, context in
            let id = try context.parameters.require("uploadID")
            let body = try JSONEncoder().encode(BlobUploadResponse(uploadID: id, offset: offset, size: size))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(URL(string: "http://127.0.0.1:\(port)")!)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    static let statuses: [[Int64]] = [[Int64.min, 1], [-1, 10], [11, 10], [0, 5], [0, Int64.max]]

    @Test(arguments: statuses) func aStatusThatDoesNotFitTheFileIsRefused(_ status: [Int64]) async throws {
        let (offset, size) = (status[0], status[1])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-status-\(UUID().uuidString)")
        try Data(repeating: 1, count: 10).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await Self.withHostileRelay(offset: offset, size: size) { url in
            var configuration = BlobClient.Configuration()
            configuration.retries = 0
            let client = BlobClient(
                relay: url, signer: DeviceRequestSigner(deviceID: String(repeating: "a", count: 32), key: Curve25519.Signing.PrivateKey()),
                configuration: configuration)
            await #expect(throws: FileError.sizeMismatch) {
                _ = try await client.upload(String(repeating: "b", count: 32), from: file)
            }
        }
    }
}
