import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LetterlockFiles
import Logging
import NIOCore
import NIOHTTP1
import RelayAPI
import ServiceLifecycle

/// The ceilings of each stage of a file transfer, measured in the same run as the transfer so
/// the report can say which one bounds it: SHA-256 (the blob id, the request signatures and
/// the relay's check), loopback HTTP through the same client and server stacks with no crypto
/// and no disk, and the durable write of the blob.
extension FilesBench {
    struct StageCeilings {
        var sha256: Double
        var httpUpload: Double
        var httpDownload: Double
        var diskPerPart: Double
        var diskOneSync: Double
    }

    /// MB/s of SHA-256 over `bytes` of memory in 1 MiB updates (best of `repetitions`).
    static func sha256Rate(bytes: Int64, repetitions: Int) -> Double {
        let block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let count = Int(bytes >> 20)
        var sink: UInt8 = 0
        let seconds = Stopwatch.best(of: repetitions) {
            var hasher = SHA256()
            for _ in 0..<count { hasher.update(data: block) }
            sink ^= hasher.finalize().withUnsafeBytes { $0[0] }
        }
        _ = sink
        return Double(count << 20) / 1e6 / seconds
    }

    /// MB/s of writing `size` bytes to a new file in `directory`, 4 MiB at a time, with an fsync
    /// after each write (as the relay stored an upload part before version 2), after every
    /// 32 MiB (as the relay syncs upload parts now) and with one fsync at the end (as the
    /// download's output is made durable).
    static func diskRates(size: Int64, directory: URL) throws -> (perPart: Double, perGroup: Double, oneSync: Double) {
        let block = Data((0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 7) })
        func run(syncEvery parts: Int) throws -> Double {
            let url = directory.appendingPathComponent("disk-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: url.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: url) }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            let seconds = try Stopwatch.seconds {
                var written: Int64 = 0
                var count = 0
                while written < size {
                    let piece = block.prefix(Int(min(Int64(block.count), size - written)))
                    try handle.write(contentsOf: piece)
                    written += Int64(piece.count)
                    count += 1
                    if count % parts == 0 { try handle.synchronize() }
                }
                try handle.synchronize()
            }
            return Double(size) / 1e6 / seconds
        }
        return (try run(syncEvery: 1), try run(syncEvery: 8), try run(syncEvery: Int.max))
    }

    /// MB/s of moving `size` bytes over loopback HTTP with the client's part and range sizes and
    /// concurrency, through async-http-client and a Hummingbird server that collects each upload
    /// body (as the relay does) and streams downloads from memory in the relay's 64 KiB writes.
    static func httpRates(size: Int64, client configuration: BlobClient.Configuration) async throws -> (upload: Double, download: Double) {
        let router = Router()
        router.put("/sink") { request, _ -> HTTPResponse.Status in
            var request = request
            _ = try await request.collectBody(upTo: BlobAddress.partSize)
            return .ok
        }
        let piece = ByteBuffer(repeating: 0x5a, count: 64 << 10)
        router.get("/source") { request, _ -> Response in
            let count = Int(request.uri.queryParameters.get("bytes") ?? "") ?? 0
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(contentLength: count) { writer in
                    var left = count
                    while left > 0 {
                        let take = min(left, piece.readableBytes)
                        try await writer.write(piece.getSlice(at: 0, length: take)!)
                        left -= take
                    }
                    try await writer.finish(nil)
                })
        }
        var logger = Logger(label: "letterlock.bench.http")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: (Double, Double)?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw BenchError("the HTTP ceiling server did not start") }
            let base = "http://127.0.0.1:\(port)"
            let client = HTTPClient.shared
            let part = Data((0..<BlobAddress.partSize).map { UInt8(truncatingIfNeeded: $0) })
            let parts = Int((size + Int64(part.count) - 1) / Int64(part.count))
            let clock = ContinuousClock()
            let upload = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { uploads in
                    var sent = 0
                    var inFlight = 0
                    while sent < parts || inFlight > 0 {
                        while inFlight < max(1, configuration.uploadPartsInFlight), sent < parts {
                            var request = HTTPClientRequest(url: base + "/sink")
                            request.method = .PUT
                            request.body = .bytes(part)
                            uploads.addTask {
                                let response = try await client.execute(request, timeout: .seconds(120))
                                guard response.status == .ok else { throw BenchError("sink answered \(response.status.code)") }
                                _ = try await response.body.collect(upTo: 1 << 16)
                            }
                            sent += 1
                            inFlight += 1
                        }
                        try await uploads.next()
                        inFlight -= 1
                    }
                }
            }
            let range = configuration.downloadRangeSize
            let download = try await clock.measure {
                var done: Int64 = 0
                var ahead: [Task<HTTPClientResponse, any Error>] = []
                var requested: Int64 = 0
                while done < size {
                    while ahead.count <= configuration.downloadRangesAhead, requested < size {
                        let count = Int(min(Int64(range), size - requested))
                        ahead.append(Task { try await client.execute(HTTPClientRequest(url: base + "/source?bytes=\(count)"), timeout: .seconds(120)) })
                        requested += Int64(count)
                    }
                    let response = try await ahead.removeFirst().value
                    for try await buffer in response.body { done += Int64(buffer.readableBytes) }
                }
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            func rate(_ duration: Duration) -> Double {
                Double(size) / 1e6 / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            }
            return (rate(upload), rate(download))
        }
    }
}
