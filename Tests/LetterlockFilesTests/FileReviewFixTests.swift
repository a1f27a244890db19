import Crypto
import Foundation
import LetterlockFiles
import RelayAPI
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The client review's file findings (docs/reviews/2026-11-21-client.md M5, M6, M7, L10; fixes in
/// docs/client-review-fixes.md), on local files: each test fails on the code before its fix.
@Suite struct FileReviewFixTests {
    /// 4 KiB chunks keep the hand-sealed files small.
    static let log2: UInt8 = 12
    static let chunk = 1 << Int(log2)

    /// Seals `plaintext` under `key` with a given header, as a sender holding the key can.
    static func seal(_ plaintext: Data, key: SymmetricKey, header: FileHeader) throws -> Data {
        var sealer = ChunkSealer(fileKey: key, header: header)
        var out = header.encoded
        var offset = 0
        repeat {
            let end = min(offset + header.chunkSize, plaintext.count)
            try sealer.seal(plaintext[offset..<end], isFinal: end == plaintext.count, into: &out)
            offset = end
        } while offset < plaintext.count
        return out
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    static func random(_ count: Int) -> Data { Data((0..<count).map { _ in UInt8.random(in: 0...255) }) }

    /// Two files sealed under one key and one salt: same header, same size, different content.
    static func twins(size: Int) throws -> (a: Data, b: Data, manifestA: FileManifest, plainA: Data, plainB: Data) {
        let key = SymmetricKey(size: .bits256)
        let header = try FileHeader(fileKey: key, chunkSizeLog2: log2, salt: random(FileFormat.saltSize))
        let plainA = random(size)
        let plainB = random(size)
        let a = try seal(plainA, key: key, header: header)
        let b = try seal(plainB, key: key, header: header)
        let manifestA = try FileManifest(
            name: "a.pdf", mediaType: "application/pdf", plaintextSize: Int64(size), chunkSizeLog2: log2, blobID: FileFormatTests.address(a), key: key)
        return (a, b, manifestA, plainA, plainB)
    }

    // MARK: M5

    /// The sender (or a relay colluding with the sender) serves a second ciphertext under the
    /// first one's blob id: same key, same header, every chunk authentic. Only the hash tells.
    /// (Not the empty file: one empty chunk under one key and header has one sealing.)
    @Test(arguments: [100, chunk, 3 * chunk + 7])
    func aSecondCiphertextUnderTheSameKeyIsRefused(size: Int) throws {
        let scratch = try Scratch()
        let (a, b, manifestA, plainA, _) = try Self.twins(size: size)
        try b.write(to: scratch.file("b.llfs"))
        #expect(throws: FileError.blobMismatch) {
            try FileDecryptor.decrypt(contentsOf: scratch.file("b.llfs"), manifest: manifestA, to: scratch.file("out"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out").path), "no output")
        #expect(!scratch.contents().contains { $0.hasSuffix(".letterlock-part") }, "no partial file")
        // The genuine ciphertext still decrypts.
        try a.write(to: scratch.file("a.llfs"))
        try FileDecryptor.decrypt(contentsOf: scratch.file("a.llfs"), manifest: manifestA, to: scratch.file("out"))
        #expect(try Data(contentsOf: scratch.file("out")) == plainA)
    }

    // MARK: M6

    /// Feeds the header and the first `chunks` sealed chunks (and one byte more, so the last of
    /// them is known not to be final and gets written), then suspends.
    static func interrupt(_ sealed: Data, _ manifest: FileManifest, to destination: URL, chunks: Int) throws -> URL {
        let decryptor = try FileDecryptor(manifest: manifest, destination: destination)
        try decryptor.append(sealed.prefix(FileFormat.headerSize + chunks * (chunk + FileFormat.tagSize) + 1))
        decryptor.suspend()
        return decryptor.partialURL
    }

    /// Resumes from the kept chunks: feeds the header, then the rest from the resume offset.
    static func resume(_ sealed: Data, _ manifest: FileManifest, to destination: URL) throws -> FileDecryptor {
        let decryptor = try FileDecryptor(manifest: manifest, destination: destination)
        try decryptor.append(sealed.prefix(FileFormat.headerSize))
        try decryptor.append(sealed.dropFirst(Int(decryptor.resumeOffset)))
        try decryptor.finish()
        return decryptor
    }

    @Test func aResumeChecksTheKeptChunksAgain() throws {
        let scratch = try Scratch()
        let (a, _, manifest, plain, _) = try Self.twins(size: 5 * Self.chunk + 10)
        let output = scratch.file("out")
        let partial = try Self.interrupt(a, manifest, to: output, chunks: 3)
        // A power cut with delayed allocation (zeros), or another process of the user, damages
        // the first kept chunk; the size stays.
        let handle = try FileHandle(forWritingTo: partial)
        try handle.write(contentsOf: Data(repeating: 0, count: 100))
        try handle.close()
        let decryptor = try FileDecryptor(manifest: manifest, destination: output)
        #expect(decryptor.startChunk == 3)
        try decryptor.append(a.prefix(FileFormat.headerSize))
        try decryptor.append(a.dropFirst(Int(decryptor.resumeOffset)))
        #expect(throws: FileError.blobMismatch) { try decryptor.finish() }
        #expect(!FileManager.default.fileExists(atPath: output.path), "the damaged file never became the output")
        #expect(!FileManager.default.fileExists(atPath: partial.path), "the damaged chunks are gone")
        // An undamaged resume still succeeds, from the kept chunks.
        _ = try Self.interrupt(a, manifest, to: output, chunks: 2)
        let resumed = try Self.resume(a, manifest, to: output)
        #expect(resumed.startChunk == 2)
        #expect(try Data(contentsOf: output) == plain)
    }

    /// The one range rule the download follows, for the range it feeds and the ranges it
    /// requests ahead: the header first, then straight on to the resume offset, never across
    /// that jump, and nothing past the end.
    @Test func rangesFollowTheHeaderToTheResumeOffset() throws {
        let scratch = try Scratch()
        let (a, _, manifest, _, _) = try Self.twins(size: 5 * Self.chunk + 10)
        let output = scratch.file("out")
        _ = try Self.interrupt(a, manifest, to: output, chunks: 2)
        let decryptor = try FileDecryptor(manifest: manifest, destination: output)
        let header = Int64(FileFormat.headerSize)
        let resume = decryptor.resumeOffset
        let total = manifest.ciphertextSize
        #expect(resume > header)
        #expect(decryptor.nextRange(limit: 1 << 20) == 0..<header, "the header alone, not across the jump")
        #expect(decryptor.range(from: 10, limit: 1 << 20) == 10..<header)
        #expect(decryptor.range(from: header, limit: 1_000) == resume..<(resume + 1_000), "after the header: the resume offset")
        #expect(decryptor.range(from: resume + 5, limit: 1 << 30) == (resume + 5)..<total)
        #expect(decryptor.range(from: total, limit: 1) == nil)
        try decryptor.append(a.prefix(Int(header)))
        #expect(decryptor.nextRange(limit: 7) == decryptor.range(from: header, limit: 7))
        decryptor.suspend()

        let fresh = try FileDecryptor(manifest: manifest, destination: output, resume: false)
        #expect(fresh.nextRange(limit: 1 << 30) == 0..<total, "nothing kept: one run to the end")
        #expect(fresh.range(from: header, limit: 100) == header..<(header + 100))
        fresh.suspend()
    }

    // MARK: M7

    @Test func aSymbolicLinkAtThePartialNameIsNeverFollowed() throws {
        let scratch = try Scratch()
        let (a, _, manifest, plain, _) = try Self.twins(size: 3 * Self.chunk)
        let output = scratch.file("out")
        let victim = scratch.file("victim")
        try Data("the victim's own content".utf8).write(to: victim)
        let partialName = ".out.\(manifest.blobID.prefix(16)).letterlock-part"
        try FileManager.default.createSymbolicLink(atPath: scratch.file(partialName).path, withDestinationPath: victim.path)
        try a.write(to: scratch.file("a.llfs"))
        for resume in [true, false] {
            try? FileManager.default.removeItem(at: output)
            if !FileManager.default.fileExists(atPath: scratch.file(partialName).path) {
                try FileManager.default.createSymbolicLink(atPath: scratch.file(partialName).path, withDestinationPath: victim.path)
            }
            let decryptor = try FileDecryptor(manifest: manifest, destination: output, resume: resume)
            #expect(decryptor.startChunk == 0)
            try decryptor.append(a)
            try decryptor.finish()
            #expect(try Data(contentsOf: victim) == Data("the victim's own content".utf8), "resume \(resume): the link's target is untouched")
            #expect(try Data(contentsOf: output) == plain)
        }
    }

    /// A file planted at the partial name (here with another user's mode; as root, also another
    /// owner, or a second hard link) must not be adopted: its owner could read the plaintext
    /// written into it, and its content would count as verified chunks.
    @Test(arguments: ["mode", "owner", "hardLink"])
    func aPlantedPartialFileIsNotAdopted(kind: String) throws {
        if kind == "owner" && geteuid() != 0 { return }  // chown needs root
        let scratch = try Scratch()
        let (a, _, manifest, plain, _) = try Self.twins(size: 4 * Self.chunk)
        let output = scratch.file("out")
        let partial = scratch.file(".out.\(manifest.blobID.prefix(16)).letterlock-part")
        // The attacker's chosen prefix: two whole "chunks".
        try Data(repeating: 0x41, count: 2 * Self.chunk).write(to: partial)
        switch kind {
        case "mode": #expect(chmod(partial.path, 0o644) == 0)
        case "owner":
            #expect(chmod(partial.path, 0o600) == 0)
            #expect(chown(partial.path, 4242, 4242) == 0)
        default:
            #expect(chmod(partial.path, 0o600) == 0)
            #expect(link(partial.path, scratch.file("attacker-copy").path) == 0)
        }
        let decryptor = try FileDecryptor(manifest: manifest, destination: output)
        #expect(decryptor.startChunk == 0, "the planted prefix is not adopted")
        var info = stat()
        #expect(lstat(partial.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600 && info.st_uid == geteuid() && info.st_nlink == 1, "a fresh private partial file")
        try decryptor.append(a)
        try decryptor.finish()
        #expect(try Data(contentsOf: output) == plain)
        if kind == "hardLink" {
            #expect(try Data(contentsOf: scratch.file("attacker-copy")) == Data(repeating: 0x41, count: 2 * Self.chunk), "no plaintext through the link")
        }
    }

    // MARK: L10

    @Test func anExistingDestinationIsNotReplacedSilently() throws {
        let scratch = try Scratch()
        let (a, _, manifest, plain, _) = try Self.twins(size: 100)
        try a.write(to: scratch.file("a.llfs"))
        let output = scratch.file("out")
        try Data("mine".utf8).write(to: output)
        #expect(throws: FileError.destinationExists) { try FileDecryptor.decrypt(contentsOf: scratch.file("a.llfs"), manifest: manifest, to: output) }
        #expect(try Data(contentsOf: output) == Data("mine".utf8))
        // Created between the start and the end of the download: still refused, at the rename.
        let late = scratch.file("late")
        let decryptor = try FileDecryptor(manifest: manifest, destination: late)
        try decryptor.append(a)
        try Data("appeared meanwhile".utf8).write(to: late)
        #expect(throws: FileError.destinationExists) { try decryptor.finish() }
        #expect(try Data(contentsOf: late) == Data("appeared meanwhile".utf8))
        // A dangling symbolic link counts as existing too.
        let dangling = scratch.file("dangling")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: scratch.file("nowhere").path)
        #expect(throws: FileError.destinationExists) { try FileDecryptor.decrypt(contentsOf: scratch.file("a.llfs"), manifest: manifest, to: dangling) }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("nowhere").path))
        // Asked for, it replaces.
        try FileDecryptor.decrypt(contentsOf: scratch.file("a.llfs"), manifest: manifest, to: output, replacingExisting: true)
        #expect(try Data(contentsOf: output) == plain)
        #expect(!scratch.contents().contains { $0.hasSuffix(".letterlock-part") })
    }

    @Test(arguments: [
        ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
        ("report\u{2066}.pdf\u{2069}.exe", "report.pdf.exe"),
        (".bashrc", "_.bashrc"),
        ("-rf", "_-rf"),
        ("..", "file"),
        ("a:b*c?.txt", "a_b_c_.txt"),
        ("notes. . ", "notes"),
        ("  spaced.txt", "spaced.txt"),
        ("con.txt", "_con.txt"),
        ("\u{200B}\u{FEFF}", "file"),
        ("cafe\u{301}.txt", "caf\u{E9}.txt"),
        ("line\u{2028}break.txt", "linebreak.txt"),
        ("plain name (1).tar.gz", "plain name (1).tar.gz"),
    ])
    func suggestedFileNamesAreSafe(name: String, expected: String) throws {
        let safe = FileManifest.safeFileName(name)
        #expect(safe == expected)
        #expect(safe.utf8.count <= 255)
        // Names the manifest accepts (not "..") give the same through the manifest.
        if let manifest = try? FileManifest(
            name: name, mediaType: "text/plain", plaintextSize: 0, chunkSizeLog2: 12, blobID: String(repeating: "a", count: 64),
            key: SymmetricKey(size: .bits256))
        {
            #expect(manifest.suggestedFileName == expected)
        }
    }

    @Test func aLongNameStaysWithinTheLimit() {
        let safe = FileManifest.safeFileName("." + String(repeating: "\u{E9}", count: 127))
        #expect(safe.utf8.count <= 255 && safe.hasPrefix("_."))
    }
}

/// The same findings through a real relay on loopback, and M8's public-link rules.
@Suite struct FileTransferReviewFixTests {
    /// M5 end to end: the relay (here, its disk) serves another ciphertext under the blob id,
    /// sealed by the sender under the same key and header: every chunk verifies, the hash does not.
    @Test func aRelayServingAnotherCiphertextUnderTheBlobIDIsCaught() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let size = 3 * FileReviewFixTests.chunk + 5
            let (a, b, manifest, _, _) = try FileReviewFixTests.twins(size: size)
            try a.write(to: scratch.file("a.llfs"))
            let upload = try await alice.blobs.beginUpload(size: Int64(a.count))
            let stored = try await alice.blobs.upload(upload.uploadID, from: scratch.file("a.llfs"))
            #expect(stored.blobID == manifest.blobID)
            try b.write(to: relay.blobFile(manifest.blobID))
            await #expect(throws: FileError.blobMismatch) { try await alice.receive(manifest, to: scratch.file("out")) }
            #expect(!FileManager.default.fileExists(atPath: scratch.file("out").path))
        }
    }

    /// M6 through FileTransfer: kept chunks damaged on disk fail the blob id check, and the
    /// download starts over from the first byte, giving the right file.
    @Test func aResumeOverDamagedChunksStartsOver() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let input = try scratch.makeFile("in", size: 600_000)
            let manifest = try await alice.send(input)
            let sealed = try Data(contentsOf: relay.blobFile(manifest.blobID))
            let output = scratch.file("out")
            // An interrupted earlier attempt kept 4 verified chunks; then they were damaged.
            let decryptor = try FileDecryptor(manifest: manifest, destination: output)
            try decryptor.append(sealed.prefix(FileFormat.headerSize + 4 * (manifest.chunkSize + FileFormat.tagSize)))
            decryptor.suspend()
            let handle = try FileHandle(forWritingTo: decryptor.partialURL)
            try handle.seek(toOffset: 70_000)
            try handle.write(contentsOf: Data(repeating: 0, count: 4096))
            try handle.close()
            try await alice.receive(manifest, to: output)
            #expect(try sameContents(input, output))
        }
    }

    @Test func aLinkIsFetchedOnlyFromThisDevicesRelay() async throws {
        let scratch = try Scratch()
        try await LiveRelay.with { relay in
            let alice = relay.transfer(signer: try await relay.register())
            let manifest = try await alice.send(try scratch.makeFile("in", size: 1000))
            let elsewhere = try PublicLink(parsing: PublicLink(relay: URL(string: "https://files.evil.example")!, manifest: manifest).url)
            await #expect(throws: FileError.otherRelay) { try await alice.receive(elsewhere, to: scratch.file("out")) }
            let own = try PublicLink(parsing: PublicLink(relay: relay.url, manifest: manifest).url)
            try await alice.receive(own, to: scratch.file("out"))
            #expect(try sameContents(scratch.file("in"), scratch.file("out")))
        }
    }

    @Test func plainHTTPLinksAreOnlyForThisMachine() throws {
        let manifest = try FileManifest(
            name: "a", mediaType: "text/plain", plaintextSize: 1, chunkSizeLog2: 12, blobID: String(repeating: "b", count: 64),
            key: SymmetricKey(size: .bits256))
        // The IPv4-mapped loopback and other spellings are refused: they fail closed (RequestSigning.isLoopback(host:)).
        for relay in ["http://relay.example", "http://10.0.0.1:8080", "http://localhost.evil.example", "http://[::ffff:127.0.0.1]:8080", "http://[::2]:8080"] {
            #expect(throws: FileError.insecureLink, "\(relay)") { try PublicLink(parsing: PublicLink(relay: URL(string: relay)!, manifest: manifest).url) }
        }
        for relay in ["https://relay.example", "http://127.0.0.1:8080", "http://127.9.8.7", "http://localhost:9000", "http://[::1]:8080", "http://[::1]"] {
            #expect(try PublicLink(parsing: PublicLink(relay: URL(string: relay)!, manifest: manifest).url).manifest == manifest, "\(relay)")
        }
    }
}
