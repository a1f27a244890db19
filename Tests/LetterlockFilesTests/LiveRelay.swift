import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import LetterlockFiles
import Logging
import NIOCore
import NIOHTTP1
import Relay
import RelayAPI
import RelayStorage
import ServiceLifecycle
import Testing

/// A real relay on a loopback port, in this process: in-memory store, blob files in a temporary
/// directory. The file client talks to it over HTTP exactly as it would to a remote relay.
struct LiveRelay: Sendable {
    let url: URL
    let directory: URL

    static func with<T: Sendable>(
        configuration: Relay.Configuration = Relay.Configuration(), freeDiskBytes: (@Sendable () -> Int64?)? = nil,
        _ body: @Sendable (LiveRelay) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-files-relay-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "letterlock.files.tests")
        logger.logLevel = .critical
        let relay = Relay(
            store: InMemoryRelayStore(), blobContent: try FileBlobContentStore(directory: directory), configuration: configuration, logger: logger,
            freeDiskBytes: freeDiskBytes)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = relay.makeApplication(configuration: .init(address: .hostname("127.0.0.1", port: 0))) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await services.triggerGracefulShutdown()
                throw FileError.io
            }
            let live = LiveRelay(url: URL(string: "http://127.0.0.1:\(port)")!, directory: directory)
            do {
                let result = try await body(live)
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Registers a fresh account and returns a signer for its first device.
    func register() async throws -> DeviceRequestSigner {
        let key = Curve25519.Signing.PrivateKey()
        let body = try JSONEncoder().encode(RegisterRequest(publicKey: key.publicKey.rawRepresentation))
        var request = HTTPClientRequest(url: url.absoluteString + "/v1/accounts")
        request.method = .POST
        for (name, value) in try DeviceRequestSigner(deviceID: RequestSigning.registeringDevice, key: key)
            .signatureHeaders(authority: RequestSigning.authority(of: url) ?? "", method: "POST", path: "/v1/accounts", body: body)
        {
            request.headers.add(name: name, value: value)
        }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 16)
        #expect(response.status == .created)
        let ids = try JSONDecoder().decode(RegisterResponse.self, from: Data(bytes.readableBytesView))
        return DeviceRequestSigner(deviceID: ids.deviceID, key: key)
    }

    func transfer(signer: DeviceRequestSigner, configuration: BlobClient.Configuration = BlobClient.Configuration()) -> FileTransfer {
        FileTransfer(blobs: BlobClient(relay: url, signer: signer, configuration: configuration))
    }

    /// The stored blob's file, to tamper with it.
    func blobFile(_ blobID: String) -> URL { directory.appendingPathComponent("blobs").appendingPathComponent(blobID) }
}

/// A scratch directory per test.
final class Scratch: Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `size` deterministic pseudo-random bytes (1 MiB at a time).
    @discardableResult
    func makeFile(_ name: String, size: Int, seed: UInt64 = 1) throws -> URL {
        let target = file(name)
        FileManager.default.createFile(atPath: target.path, contents: nil)
        let handle = try FileHandle(forWritingTo: target)
        defer { try? handle.close() }
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var remaining = size
        while remaining > 0 {
            let count = min(remaining, 1 << 20)
            var block = [UInt8](repeating: 0, count: count)
            for index in stride(from: 0, to: count, by: 8) {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                withUnsafeBytes(of: state) { word in
                    for offset in 0..<min(8, count - index) { block[index + offset] = word[offset] }
                }
            }
            try handle.write(contentsOf: block)
            remaining -= count
        }
        return target
    }

    /// Whether any file in the scratch directory (hidden partial files included) other than `except` exists.
    func contents() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] }
}

/// Compares two files block by block, in bounded memory.
func sameContents(_ a: URL, _ b: URL) throws -> Bool {
    let left = try FileHandle(forReadingFrom: a)
    let right = try FileHandle(forReadingFrom: b)
    defer {
        try? left.close()
        try? right.close()
    }
    while true {
        let x = try left.read(upToCount: 1 << 20) ?? Data()
        let y = try right.read(upToCount: 1 << 20) ?? Data()
        guard x == y else { return false }
        if x.isEmpty { return true }
    }
}

/// This process's resident set size (VmRSS, kB → bytes), or nil off Linux.
func residentBytes() -> Int64? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let digits = line.split(separator: " ").dropFirst().first
        return digits.flatMap { Int64($0) }.map { $0 * 1024 }
    }
    return nil
}
