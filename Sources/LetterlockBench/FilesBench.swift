import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import LetterlockFiles
import Logging
import NIOHTTP1
import Relay
import RelayAPI
import RelayStorage
import ServiceLifecycle

/// `letterlock-bench files`: encrypt+upload and download+decrypt one file through a relay on
/// loopback (SQLite store and blob files, as `letterlock-relay` runs), each beside the raw
/// AES-256-GCM throughput on the same chunk size measured in the same run (seal for the upload,
/// open for the download). Goal of issue 5: at least 0.8x. The ceilings of the other stages
/// (SHA-256, loopback HTTP, the durable disk write) are measured in the same run
/// (`FilesBench+Stages.swift`) so that the report says which one bounds the transfer.
struct FilesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Encrypted file transfer through a loopback relay vs. the raw AEAD throughput."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "File size: bytes, or with a K, M or G suffix (binary units).")
    var size = "1G"

    @Option(help: "Directory for the test file, the download, the relay's data and the disk ceiling (needs about 4x --size free).")
    var directory: String = FileManager.default.temporaryDirectory.path

    @Option(help: "Timings of the raw AEAD reference; the best is reported.")
    var repetitions = 3

    @Option(help: "Upload parts in flight (the client's default: 4).")
    var partsInFlight = BlobClient.Configuration().uploadPartsInFlight

    @Option(help: "Download ranges requested ahead of the one being decrypted (the client's default: 1).")
    var rangesAhead = BlobClient.Configuration().downloadRangesAhead

    func run() throws {
        guard let bytes = Self.parseSize(size), bytes > 0 else { throw ValidationError("--size: a positive number of bytes, e.g. 1G or 100M") }
        let box = ResultBox()
        let semaphore = DispatchSemaphore(value: 0)
        let options = self.options
        let directory = self.directory
        let repetitions = self.repetitions
        var client = BlobClient.Configuration()
        client.uploadPartsInFlight = max(1, partsInFlight)
        client.downloadRangesAhead = max(0, rangesAhead)
        // The root command is synchronous; run the transfer on the concurrency pool and wait.
        Task {
            do { try await Self.measure(size: bytes, directory: directory, repetitions: repetitions, client: client, reporter: options.reporter) } catch {
                box.error = error
            }
            semaphore.signal()
        }
        semaphore.wait()
        if let error = box.error { throw error }
    }

    static func parseSize(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.uppercased().last, let unit = units[last] { return Int64(text.dropLast()).map { $0 * unit } }
        return Int64(text)
    }

    private static func measure(size: Int64, directory: String, repetitions: Int, client: BlobClient.Configuration, reporter: BenchReporter) async throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("letterlock-bench-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let megabytes = Double(size) / 1e6

        reporter.note("files: writing a \(size >> 20) MiB test file under \(root.path)")
        let input = root.appendingPathComponent("input.bin")
        try writeTestFile(input, size: size)

        // The reference: the same primitive (AES-256-GCM, one seal or open per 64 KiB chunk with
        // the header as associated data) over memory, no I/O.
        let (sealRate, openRate) = try rawAEAD(bytes: min(size, 256 << 20), repetitions: repetitions)
        reporter.report(BenchFigure(bench: "files", metric: "raw AES-256-GCM seal, 64 KiB chunks", value: sealRate, unit: "MB/s"))
        reporter.report(BenchFigure(bench: "files", metric: "raw AES-256-GCM open, 64 KiB chunks", value: openRate, unit: "MB/s"))

        // Stage ceilings, same run: what each step of the transfer could do alone.
        let reference = min(size, 256 << 20)
        let shaRate = sha256Rate(bytes: reference, repetitions: repetitions)
        let disk = try diskRates(size: size, directory: root)
        let http = try await httpRates(size: size, client: client)
        func stage(_ metric: String, _ value: Double) {
            reporter.report(BenchFigure(bench: "files", metric: metric, value: value, unit: "MB/s", reference: "raw AES-256-GCM seal", ratio: value / sealRate))
        }
        stage("ceiling: SHA-256, 1 MiB updates", shaRate)
        stage("ceiling: disk write \(size >> 20) MiB, fsync per 4 MiB part", disk.perPart)
        stage("ceiling: disk write \(size >> 20) MiB, fsync per 32 MiB (the relay's upload sync)", disk.perGroup)
        stage("ceiling: disk write \(size >> 20) MiB, one fsync", disk.oneSync)
        stage("ceiling: loopback HTTP upload, \(BlobAddress.partSize >> 20) MiB parts x\(client.uploadPartsInFlight), no crypto, no disk", http.upload)
        stage("ceiling: loopback HTTP download, \(client.downloadRangeSize >> 20) MiB ranges, \(client.downloadRangesAhead) ahead, no crypto, no disk", http.download)

        var configuration = Relay.Configuration()
        configuration.maximumBlobSize = 2 * size + (1 << 20)
        configuration.blobQuota = 4 * size + (1 << 20)
        try await withLoopbackRelay(data: root.appendingPathComponent("relay"), configuration: configuration) { url in
            let alice = try await register(url)
            let bob = try await register(url)
            let sender = FileTransfer(blobs: BlobClient(relay: url, signer: alice, configuration: client))
            let receiver = FileTransfer(blobs: BlobClient(relay: url, signer: bob, configuration: client))

            var pending: FileTransfer.PendingUpload?
            let prepareSeconds = try await asyncSeconds { pending = try await sender.prepare(input) }
            guard let pending else { return }
            let uploadBar = TerminalProgressBar(label: "upload ")
            let uploadCPU = ProcessCPU()
            var sent: FileManifest?
            let uploadSeconds = try await asyncSeconds { sent = try await sender.upload(pending, progress: uploadBar.update) }
            let uploadCores = uploadCPU.seconds / uploadSeconds
            uploadBar.finish()
            guard let manifest = sent else { return }
            let upRate = megabytes / (prepareSeconds + uploadSeconds)
            reporter.note(
                String(
                    format:
                        "files: prepare (open the upload) %.3f s, upload (seal + SHA-256 once + sign + send; relay: signature hash, write, fsync per %d MiB, complete) %.2f s (%.0f MB/s, %.2f cores: client and relay)",
                    prepareSeconds, Int(min(configuration.uploadWindow / 2, Int64(configuration.maximumWaitingParts / 2) * Int64(BlobAddress.partSize)) >> 20), uploadSeconds, megabytes / uploadSeconds, uploadCores))
            reporter.report(
                BenchFigure(bench: "files", metric: "encrypt+upload \(size >> 20) MiB", value: upRate, unit: "MB/s", reference: "raw AES-256-GCM seal", ratio: upRate / sealRate))

            let output = root.appendingPathComponent("output.bin")
            let downloadBar = TerminalProgressBar(label: "download")
            let downCPU = ProcessCPU()
            let downSeconds = try await asyncSeconds { try await receiver.receive(manifest, to: output, progress: downloadBar.update) }
            reporter.note(String(format: "files: download %.2f s, %.2f cores (client and relay)", downSeconds, downCPU.seconds / downSeconds))
            downloadBar.finish()
            let downRate = megabytes / downSeconds
            reporter.report(
                BenchFigure(bench: "files", metric: "download+decrypt \(size >> 20) MiB", value: downRate, unit: "MB/s", reference: "raw AES-256-GCM open", ratio: downRate / openRate))
            reporter.note("files: checking the output against the input")
            guard try fileDigest(input) == fileDigest(output) else { throw ValidationError("the downloaded file differs from the input") }
        }
    }

    /// Best-of seal and open rates (MB/s of plaintext) over `bytes` of memory in 64 KiB chunks.
    private static func rawAEAD(bytes: Int64, repetitions: Int) throws -> (seal: Double, open: Double) {
        let chunk = 1 << Int(FileFormat.defaultChunkSizeLog2)
        let count = Int(bytes) / chunk
        let key = SymmetricKey(size: .bits256)
        let header = try FileHeader(fileKey: key).encoded
        let plaintext = Data((0..<chunk).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        var nonce = [UInt8](repeating: 0, count: 12)
        var boxes: [AES.GCM.SealedBox] = []
        let seal = try Stopwatch.best(of: repetitions) {
            boxes.removeAll(keepingCapacity: true)
            for index in 0..<count {
                nonce[10] = UInt8(truncatingIfNeeded: index >> 8)
                nonce[9] = UInt8(truncatingIfNeeded: index)
                let box = try AES.GCM.seal(plaintext, using: key, nonce: try AES.GCM.Nonce(data: nonce), authenticating: header)
                if index < 64 { boxes.append(box) }
            }
        }
        var sink = 0
        let open = try Stopwatch.best(of: repetitions) {
            for index in 0..<count { sink &+= try AES.GCM.open(boxes[index % boxes.count], using: key, authenticating: header).count }
        }
        precondition(sink > 0)
        let total = Double(count * chunk) / 1e6
        return (total / seal, total / open)
    }

    private static func asyncSeconds(_ body: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Incompressible content without paying for a CSPRNG per byte: one random MiB, varied per MiB.
    private static func writeTestFile(_ url: URL, size: Int64) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var block = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
        while block.count < 1 << 20 { block.append(SHA256.hash(data: block.suffix(32)).withUnsafeBytes { Data($0) }) }
        var written: Int64 = 0
        var counter: UInt64 = 0
        while written < size {
            counter += 1
            withUnsafeBytes(of: counter) { block.replaceSubrange(0..<8, with: $0) }
            let piece = block.prefix(Int(min(Int64(block.count), size - written)))
            try handle.write(contentsOf: piece)
            written += Int64(piece.count)
        }
        // On disk before anything is timed: its write-back must not compete with the transfer's.
        try handle.synchronize()
    }

    private static func fileDigest(_ url: URL) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 22), !block.isEmpty { hasher.update(data: block) }
        return Data(hasher.finalize())
    }

    private static func register(_ relay: URL) async throws -> DeviceRequestSigner {
        let key = Curve25519.Signing.PrivateKey()
        let body = try JSONEncoder().encode(RegisterRequest(publicKey: key.publicKey.rawRepresentation))
        var request = HTTPClientRequest(url: relay.absoluteString + "/v1/accounts")
        request.method = .POST
        for (name, value) in try DeviceRequestSigner(deviceID: RequestSigning.registeringDevice, key: key)
            .signatureHeaders(authority: RequestSigning.authority(of: relay) ?? "", method: "POST", path: "/v1/accounts", body: body)
        {
            request.headers.add(name: name, value: value)
        }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = try await response.body.collect(upTo: 1 << 16)
        guard response.status == .created else { throw ValidationError("registration refused: HTTP \(response.status.code)") }
        let ids = try JSONDecoder().decode(RegisterResponse.self, from: Data(answer.readableBytesView))
        return DeviceRequestSigner(deviceID: ids.deviceID, key: key)
    }

    /// Runs `body` against a relay on a free loopback port, as `letterlock-relay` composes it.
    private static func withLoopbackRelay(data: URL, configuration: Relay.Configuration, _ body: (URL) async throws -> Void) async throws {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var logger = Logger(label: "letterlock.bench.relay")
        logger.logLevel = .error
        let store = try SQLiteRelayStore(path: data.appendingPathComponent("relay.sqlite").path)
        let relay = Relay(store: store, blobContent: try FileBlobContentStore(directory: data), configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = relay.makeApplication(configuration: .init(address: .hostname("127.0.0.1", port: 0))) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            do {
                guard let port = await iterator.next(), port > 0 else { throw ValidationError("the relay did not start") }
                try await body(URL(string: "http://127.0.0.1:\(port)")!)
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

/// Carries the async run's error back to the synchronous command.
private final class ResultBox: @unchecked Sendable {
    var error: (any Error)?
}

/// CPU time (user + system, all threads: the client and the in-process relay) since creation,
/// to tell a CPU-bound phase from one that waits (and, on a shared machine, how much CPU it got).
private struct ProcessCPU {
    private let start = Self.now()

    var seconds: Double { Self.now() - start }

    private static func now() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
