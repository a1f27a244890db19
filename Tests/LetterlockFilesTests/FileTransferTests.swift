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

    @Test func interruptedUploadResumesFromTheRelaysOffset() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            var configuration = BlobClient.Configuration()
            configuration.uploadPartSize = 64 << 10
            let alice = relay.transfer(signer: try await relay.register(), configuration: configuration)
            let input = try scratch.makeFile("big", size: 1 << 20)
            let pending = try await alice.prepare(input)
            // Interrupt the upload (cancel its task) once 256 KiB are acknowledged.
            let interrupted = Task {
                try await alice.upload(pending) { progress in
                    if progress.completed >= 256 << 10 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            }
            await #expect(throws: (any Error).self) { try await interrupted.value }
            let stood = try await alice.blobs.uploadStatus(pending.uploadID).offset
            #expect(stood >= 256 << 10 && stood < pending.manifest.ciphertextSize, "stopped part way: \(stood)")

            let first = Mutex<Int64?>(nil)
            try await alice.upload(pending) { progress in first.withLock { if $0 == nil { $0 = progress.completed } } }
            // Parts still in flight when the task was cancelled may land after `stood` was read.
            #expect(try #require(first.withLock { $0 }) >= stood, "resumed where the relay stood, not from zero")
            let bob = relay.transfer(signer: try await relay.register())
            try await bob.receive(pending.manifest, to: scratch.file("out"))
            #expect(try sameContents(input, scratch.file("out")))
        }
    }

    @Test func interruptedDownloadResumesFromTheVerifiedChunks() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            var configuration = BlobClient.Configuration()
            configuration.downloadRangeSize = 100_000
            let alice = relay.transfer(signer: try await relay.register())
            let bob = relay.transfer(signer: try await relay.register(), configuration: configuration)
            let input = try scratch.makeFile("big", size: 1 << 20)
            let manifest = try await alice.send(input)
            let output = scratch.file("out")

            let interrupted = Task {
                try await bob.receive(manifest, to: output) { progress in
                    if progress.completed >= 300_000 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            }
            await #expect(throws: (any Error).self) { try await interrupted.value }
            #expect(!FileManager.default.fileExists(atPath: output.path), "no output before the final chunk verified")
            let partial = try #require(scratch.contents().first { $0.hasSuffix(".letterlock-part") })
            let kept = try #require(try FileManager.default.attributesOfItem(atPath: scratch.file(partial).path)[.size] as? NSNumber).int64Value
            #expect(kept >= Int64(Self.chunk), "verified chunks kept: \(kept)")

            let decryptor = try FileDecryptor(manifest: manifest, destination: output)
            #expect(decryptor.startChunk == kept / Int64(Self.chunk))
            let fetched = Mutex<[Int64]>([])
            try await bob.blobs.download(manifest, into: decryptor) { progress in fetched.withLock { $0.append(progress.completed) } }
            let firstFetch = try #require(fetched.withLock { $0.first })
            // The first request fetched only the header, then the stream jumped past the verified chunks.
            #expect(firstFetch == decryptor.resumeOffset && decryptor.resumeOffset > Int64(FileFormat.headerSize))
            #expect(try sameContents(input, output))
            #expect(!scratch.contents().contains { $0.hasSuffix(".letterlock-part") })
        }
    }

    /// The file part of issue 5's canary test: a random canary in the file's content and name
    /// never appears in anything the relay wrote (blob files, uploads); the in-memory store
    /// holds only ids and sizes.
    @Test func theRelayNeverSeesTheFilesCanary() async throws {
        let scratch = try Scratch()
        let canary = "canary-" + UUID().uuidString
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let input = scratch.file("plain")
            try Data(String(repeating: canary + "\n", count: 20_000).utf8).write(to: input)
            let manifest = try await alice.send(input, name: "\(canary).txt", mediaType: "text/plain")
            let link = PublicLink(relay: relay.url, manifest: manifest).url
            #expect(!link.prefix { $0 != "#" }.contains(canary))
            var searched = 0
            let files = FileManager.default.enumerator(at: relay.directory, includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard let bytes = try? Data(contentsOf: url) else { continue }
                searched += bytes.count
                #expect(bytes.range(of: Data(canary.utf8)) == nil, "canary found in \(url.lastPathComponent)")
            }
            #expect(searched >= Int(manifest.ciphertextSize), "the stored blob was searched")
        }
    }

    @Test func aTamperedBlobIsRejectedWithNoOutput() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let input = try scratch.makeFile("doc", size: 200_000)
            let manifest = try await alice.send(input)
            // Someone with access to the relay's disk flips one bit of the stored ciphertext.
            var stored = try Data(contentsOf: relay.blobFile(manifest.blobID))
            stored[100_000] ^= 1
            try stored.write(to: relay.blobFile(manifest.blobID))
            let output = scratch.file("out")
            await #expect(throws: FileError.authenticationFailed) { try await alice.receive(manifest, to: output) }
            #expect(Set(scratch.contents()) == ["doc"], "no output and no partial file")
        }
    }

    /// Uploads seal the plaintext again rather than keep an encrypted copy, so a file changed
    /// between `prepare` and `upload` must fail cleanly: the relay refuses content that no
    /// longer matches the blob id, and a changed size is caught before anything is sent.
    @Test func aFileChangedAfterPrepareIsRefused() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let input = try scratch.makeFile("doc", size: 200_000)
            let pending = try await alice.prepare(input)
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

    /// 100 MiB up and down while sampling the resident set size: it must stay far below the file
    /// size, bounded by what the configuration keeps in flight, not by the file. The transfer
    /// runs with small parts and ranges so that bound is tight: the parts in flight and the
    /// ranges requested, each held once by the client and once by the in-process relay, plus
    /// 16 MiB of slack for the allocator and the other suites running at the same time.
    @Test func aHundredMebibyteRoundTripRunsInBoundedMemory() async throws {
        let scratch = try Scratch()
        let configuration = {
            var small = BlobClient.Configuration()
            small.uploadPartSize = 2 << 20
            small.uploadPartsInFlight = 2
            small.downloadRangeSize = 2 << 20
            small.downloadRangesAhead = 1
            return small
        }()
        let inFlight = configuration.uploadPartSize * configuration.uploadPartsInFlight
            + configuration.downloadRangeSize * (configuration.downloadRangesAhead + 1)
        let bound = Int64(2 * inFlight + (16 << 20))
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
            let pending = try await alice.prepare(input, progress: sample)
            try await alice.upload(pending, progress: sample)
            try await bob.receive(pending.manifest, to: scratch.file("movie-out"), progress: sample)
            #expect(try sameContents(input, scratch.file("movie-out")))
            let growth = peak.withLock { $0 } - baseline
            FileHandle.standardError.write(Data("100 MiB round trip: peak RSS growth \(growth >> 20) MiB\n".utf8))
            #expect(growth < bound, "peak RSS grew by \(growth >> 20) MiB for a 100 MiB file (bound \(bound >> 20) MiB)")
        }
    }
}
