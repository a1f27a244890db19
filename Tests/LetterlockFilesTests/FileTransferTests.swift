import Crypto
import Foundation
import LetterlockFiles
import Relay
import RelayAPI
import Synchronization
import Testing

/// Files through a real relay on loopback: round trips, resumption, tampering at rest, memory.
@Suite struct FileTransferTests {
    static let chunk = 1 << Int(FileFormat.defaultChunkSizeLog2)

    @Test(arguments: [0, 1, chunk, 3 * chunk + 7])
    func roundTripThroughTheRelay(size: Int) async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let bob = relay.transfer(signer: try await relay.register())
            let input = try scratch.makeFile("report.bin", size: size, seed: UInt64(size) + 3)
            let manifest = try await alice.send(input, mediaType: "application/octet-stream")
            #expect(manifest.plaintextSize == Int64(size))
            #expect(Set(scratch.contents()) == ["report.bin"], "no encrypted copy left beside the input")
            // Bob gets the manifest (later: inside an MLS message) and fetches the file.
            let received = try FileManifest(decoding: manifest.encoded)
            try await bob.receive(received, to: scratch.file("received"))
            #expect(try sameContents(input, scratch.file("received")))
            #expect(Set(scratch.contents()) == ["report.bin", "received"])
            // What the relay stored is the ciphertext, under its hash.
            let stored = try Data(contentsOf: relay.blobFile(manifest.blobID))
            #expect(Int64(stored.count) == manifest.ciphertextSize)
        }
    }

    /// A relay that syncs (and so moves its offset) after every part, so an interrupted upload
    /// stops at a part boundary the test can see.
    static var syncEveryPart: Relay.Configuration {
        var configuration = Relay.Configuration()
        configuration.maximumWaitingParts = 2
        return configuration
    }

    /// Cancels an upload once `bytes` are answered for; returns where the relay stood after.
    static func interruptedUpload(_ transfer: FileTransfer, _ pending: FileTransfer.PendingUpload, after bytes: Int64) async throws -> Int64 {
        let interrupted = Task {
            try await transfer.upload(pending) { progress in
                if progress.completed >= bytes { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        await #expect(throws: (any Error).self) { try await interrupted.value }
        return try await transfer.blobs.uploadStatus(pending.uploadID).offset
    }

    @Test(arguments: [true, false])
    func interruptedUploadResumesFromTheRelaysOffset(syncEveryPart: Bool) async throws {
        let scratch = try Scratch()
        try await LiveRelay.with(configuration: syncEveryPart ? Self.syncEveryPart : Relay.Configuration()) { relay in
            let alice = relay.transfer(signer: try await relay.register())
            // 10 parts; cancelled once one is answered, at most the 4 in flight and one more
            // follow it (24 MiB), so the upload stops part way whatever the machine's speed.
            let input = try scratch.makeFile("big", size: 40 << 20)
            let pending = try await alice.prepare(input)
            let stood = try await Self.interruptedUpload(alice, pending, after: 4 << 20)
            #expect(stood < pending.ciphertextSize, "stopped part way: \(stood)")
            #expect(stood % Int64(BlobAddress.partSize) == 0, "at a part boundary: \(stood)")
            // With the default settings the relay syncs every 32 MiB: nothing was promised yet,
            // and the client sends it all again.
            #expect(syncEveryPart ? stood >= 4 << 20 : stood == 0, "\(stood)")

            let first = Mutex<Int64?>(nil)
            let manifest = try await alice.upload(pending) { progress in first.withLock { if $0 == nil { $0 = progress.completed } } }
            // Parts still in flight when the task was cancelled may land after `stood` was read.
            #expect(try #require(first.withLock { $0 }) >= stood, "resumed where the relay stood, not from zero")
            let bob = relay.transfer(signer: try await relay.register())
            try await bob.receive(manifest, to: scratch.file("out"))
            #expect(try sameContents(input, scratch.file("out")))
        }
    }

    /// Each part is sealed and hashed once, as it is sent, and a resumed upload hashes the parts
    /// the relay already holds again from the plaintext (never from the relay): a file changed
    /// between an interrupted upload and its resumption is refused by the relay when the upload
    /// completes (the address no longer matches the parts it holds), and a changed size is
    /// caught before anything is sent.
    @Test func aFileChangedDuringAnInterruptedUploadIsRefused() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with(configuration: Self.syncEveryPart) { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let input = try scratch.makeFile("doc", size: 14 << 20)
            let pending = try await alice.prepare(input)
            let stood = try await Self.interruptedUpload(alice, pending, after: 4 << 20)
            #expect(stood >= 4 << 20)
            var bytes = try Data(contentsOf: input)
            bytes[150_000] ^= 1
            try bytes.write(to: input)
            await #expect(throws: FileError.relay(status: 400, code: "blob_hash_mismatch")) { try await alice.upload(pending) }
            try Data(count: 10).write(to: input)
            await #expect(throws: FileError.sizeMismatch) { try await alice.upload(pending) }
        }
    }

    @Test func relayRefusalsAreTyped() async throws {
        let scratch = try Scratch()
        var configuration = Relay.Configuration()
        configuration.blobQuota = 100_000
        try await LiveRelay.with(configuration: configuration) { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let input = try scratch.makeFile("large", size: 200_000)
            await #expect(throws: FileError.relay(status: 409, code: "quota_exceeded")) { try await alice.send(input) }
            #expect(Set(scratch.contents()) == ["large"], "no encrypted copy left beside the input")
            let manifest = try FileManifestTests.manifest()
            await #expect(throws: FileError.relay(status: 404, code: "not_found")) { try await alice.receive(manifest, to: scratch.file("x")) }
        }
    }

    /// Below the relay's disk mark (`507 insufficient_storage`) an upload fails at once, not
    /// after retries, with an error that says the relay is low on disk; the upload stays open,
    /// and once space is back the same pending upload resumes where the relay stood.
    @Test func aRelayLowOnDiskFailsTheUploadClearlyAndItResumesLater() async throws {
        let scratch = try Scratch()
        let free = Mutex<Int64>(8 << 30)
        var configuration = Self.syncEveryPart
        configuration.freeDiskCheckInterval = .zero  // every request reads the simulated disk
        try await LiveRelay.with(configuration: configuration, freeDiskBytes: { free.withLock { $0 } }) { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let input = try scratch.makeFile("big", size: 40 << 20)
            free.withLock { $0 = 0 }
            let refused = await #expect(throws: FileError.self) { try await alice.prepare(input) }
            #expect(refused?.isRelayLowOnDisk == true && refused?.description.contains("low on disk space") == true, "\(String(describing: refused))")

            free.withLock { $0 = 8 << 30 }
            let pending = try await alice.prepare(input)
            // Space runs out once 8 MiB are answered for: the parts sent after that are refused.
            let failed = await #expect(throws: FileError.self) {
                try await alice.upload(pending) { progress in if progress.completed >= 8 << 20 { free.withLock { $0 = 0 } } }
            }
            #expect(failed?.isRelayLowOnDisk == true, "\(String(describing: failed))")
            let stood = try await alice.blobs.uploadStatus(pending.uploadID).offset
            #expect(stood >= 8 << 20 && stood < pending.ciphertextSize, "\(stood)")

            free.withLock { $0 = 8 << 30 }
            let first = Mutex<Int64?>(nil)
            let manifest = try await alice.upload(pending) { progress in first.withLock { if $0 == nil { $0 = progress.completed } } }
            #expect(try #require(first.withLock { $0 }) >= stood, "resumed where the relay stood, not from zero")
            try await relay.transfer(signer: try await relay.register()).receive(manifest, to: scratch.file("out"))
            #expect(try sameContents(input, scratch.file("out")))
        }
    }

    /// 100 MiB up and down while sampling the resident set size: it must stay far below the file
    /// size, bounded by what the configuration keeps in flight, not by the file. The transfer
    /// runs with two parts in flight (parts are 4 MiB, the content address's) and small ranges
    /// so that bound is tight: each upload part held twice by the client (the sealed part, the
    /// request body) and twice by the in-process relay (the collected body, the bytes written),
    /// the ranges requested held by each side, plus 16 MiB of slack for the allocator.
    /// Streaming nothing would grow by 100 MiB or more.
    ///
    /// The resident set size is the whole process's, so other suites running beside this test
    /// (some hold tens of MiB of blob bytes) would count against it: `make test` runs it alone,
    /// in a process of its own, with `LETTERLOCK_MEMORY_TESTS=1`; the parallel run skips it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LETTERLOCK_MEMORY_TESTS"] == "1", "measures the whole process's RSS: `make test` runs it alone"))
    func aHundredMebibyteRoundTripRunsInBoundedMemory() async throws {
        let scratch = try Scratch()
        let configuration = {
            var small = BlobClient.Configuration()
            small.uploadPartsInFlight = 2
            small.downloadRangeSize = 2 << 20
            small.downloadRangesAhead = 1
            return small
        }()
        let parts = BlobAddress.partSize * configuration.uploadPartsInFlight
        let ranges = configuration.downloadRangeSize * (configuration.downloadRangesAhead + 1)
        let bound = Int64(4 * parts + 2 * ranges + (16 << 20))
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register(), configuration: configuration)
            let bob = relay.transfer(signer: try await relay.register(), configuration: configuration)
            let size = 100 << 20
            let input = try scratch.makeFile("movie", size: size)
            // Warm up (allocator pools, HTTP connections) before the baseline.
            let small = try await alice.send(try scratch.makeFile("warm", size: 5 << 20))
            try await bob.receive(small, to: scratch.file("warm-out"))
            guard let baseline = residentBytes() else {
                Issue.record("no /proc/self/status: memory not measured")
                return
            }
            let peak = Mutex<Int64>(baseline)
            let sample: @Sendable (TransferProgress) -> Void = { _ in
                if let now = residentBytes() { peak.withLock { $0 = max($0, now) } }
            }
            let pending = try await alice.prepare(input)
            let manifest = try await alice.upload(pending, progress: sample)
            try await bob.receive(manifest, to: scratch.file("movie-out"), progress: sample)
            #expect(try sameContents(input, scratch.file("movie-out")))
            let growth = peak.withLock { $0 } - baseline
            FileHandle.standardError.write(Data("100 MiB round trip: peak RSS growth \(growth >> 20) MiB\n".utf8))
            #expect(growth < bound, "peak RSS grew by \(growth >> 20) MiB for a 100 MiB file (bound \(bound >> 20) MiB)")
        }
    }
}
