import Crypto
import Foundation
import LetterlockFiles
import Synchronization
import Testing

/// The manifest's strict binary decoder and the public links built from it.
@Suite struct FileManifestTests {
    static let blobID = String(repeating: "ab", count: 32)

    static func manifest(name: String = "holiday photo.jpg", mediaType: String = "image/jpeg", size: Int64 = 123_456) throws -> FileManifest {
        try FileManifest(name: name, mediaType: mediaType, plaintextSize: size, chunkSizeLog2: 16, blobID: blobID, key: SymmetricKey(size: .bits256))
    }

    @Test func roundTrip() throws {
        for manifest in [try Self.manifest(), try Self.manifest(name: "Ünïcødé 📄.pdf", mediaType: "application/vnd.oasis.opendocument.text", size: 0)] {
            let decoded = try FileManifest(decoding: manifest.encoded)
            #expect(decoded == manifest)
            #expect(decoded.encoded == manifest.encoded)
        }
    }

    @Test func everyTruncationAndAnyTrailingByteIsRejected() throws {
        let encoded = try Self.manifest().encoded
        for length in 0..<encoded.count {
            #expect(throws: FileError.self) { try FileManifest(decoding: encoded.prefix(length)) }
        }
        #expect(throws: FileError.malformedManifest) { try FileManifest(decoding: encoded + [0]) }
    }

    /// Version 2 (the per-part blob address) is what is written; version 1 manifests (the
    /// whole-ciphertext SHA-256) still decode, with their kind, so old file messages still open.
    @Test func versionOneStillDecodesAndUnknownVersionAndMagicAreRejected() throws {
        var encoded = try Self.manifest().encoded
        #expect(encoded[4] == 2)
        encoded[4] = 1
        let old = try FileManifest(decoding: encoded)
        #expect(old.blobIDKind == .sha256 && old.blobID == Self.blobID && old.encoded == encoded)
        for version: UInt8 in [0, 3, 255] {
            encoded[4] = version
            #expect(throws: FileError.unsupportedVersion) { try FileManifest(decoding: encoded) }
        }
        encoded[4] = 2
        encoded[0] = UInt8(ascii: "X")
        #expect(throws: FileError.malformedManifest) { try FileManifest(decoding: encoded) }
    }

    @Test(arguments: ["", ".", "..", "a/b", "a\\b", "tab\there", "nul\u{0}", "del\u{7f}", "c1\u{85}", String(repeating: "x", count: 256)])
    func badNamesAreRejected(name: String) throws {
        #expect(throws: FileError.malformedManifest) { try Self.manifest(name: name) }
        // And in encoded form (the encoder is not the only writer).
        var encoded = try Self.manifest(name: "n").encoded
        let nameStart = 4 + 2 + 8 + 32 + 32
        encoded.replaceSubrange(nameStart..<(nameStart + 3), with: [UInt8(name.utf8.count >> 8), UInt8(name.utf8.count & 0xff)] + Array(name.utf8))
        #expect(throws: FileError.malformedManifest) { try FileManifest(decoding: encoded) }
    }

    @Test func invalidUTF8NameIsRejected() throws {
        var encoded = try Self.manifest(name: "ab").encoded
        let nameStart = 4 + 2 + 8 + 32 + 32 + 2
        encoded[nameStart] = 0xC3
        encoded[nameStart + 1] = 0x28
        #expect(throws: FileError.malformedManifest) { try FileManifest(decoding: encoded) }
    }

    @Test(arguments: ["", "image", "image/", "/jpeg", "image/jpeg; charset=x", "image/jp eg", "-image/jpeg", "a/b/c"])
    func badMediaTypesAreRejected(mediaType: String) throws {
        #expect(throws: FileError.malformedManifest) { try Self.manifest(mediaType: mediaType) }
    }

    @Test func outOfRangeFieldsAreRejected() throws {
        var encoded = try Self.manifest().encoded
        for log2: UInt8 in [0, 11, 23, 64] {
            encoded[5] = log2
            #expect(throws: FileError.malformedManifest) { try FileManifest(decoding: encoded) }
        }
        encoded[5] = 16
        encoded[6] = 0x80  // plaintext size with the sign bit set
        #expect(throws: FileError.malformedManifest) { try FileManifest(decoding: encoded) }
        encoded[6] = 0x00
        encoded[7] = 0x01  // 2^48 bytes at 64 KiB chunks: more than 2^32 chunks
        #expect(throws: FileError.malformedManifest) { try FileManifest(decoding: encoded) }
        #expect(throws: FileError.malformedManifest) {
            try FileManifest(name: "a", mediaType: "a/b", plaintextSize: 1, chunkSizeLog2: 16, blobID: "AB" + String(repeating: "0", count: 62), key: SymmetricKey(size: .bits256))
        }
        #expect(throws: FileError.malformedManifest) {
            try FileManifest(name: "a", mediaType: "a/b", plaintextSize: 1, chunkSizeLog2: 16, blobID: Self.blobID, key: SymmetricKey(size: .bits128))
        }
    }

    // MARK: Public links

    @Test func linkRoundTripKeepsTheKeyInTheFragment() throws {
        let manifest = try Self.manifest()
        let link = PublicLink(relay: URL(string: "https://relay.example:8443/")!, manifest: manifest)
        let text = link.url
        let components = try #require(URLComponents(string: text))
        #expect(components.path == "/f/\(Self.blobID)")
        #expect(components.query == nil)
        #expect(try #require(components.fragment).count > 100)
        // What a user agent sends: everything before '#'. The key must not be in it.
        let sent = String(text.prefix { $0 != "#" })
        let keyHex = manifest.key.withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
        #expect(!sent.contains(keyHex) && !sent.contains(manifest.name))
        let parsed = try PublicLink(parsing: text)
        #expect(parsed.manifest == manifest)
        #expect(parsed.relay.absoluteString == "https://relay.example:8443")
    }

    @Test func malformedLinksAreRejected() throws {
        let good = PublicLink(relay: URL(string: "https://relay.example")!, manifest: try Self.manifest()).url
        let fragment = String(good.split(separator: "#")[1])
        let other = String(repeating: "cd", count: 32)
        for text in [
            "", "not a url", "https://relay.example/f/\(Self.blobID)", "https://relay.example/f/\(Self.blobID)#",
            "https://relay.example/f/\(other)#\(fragment)", "ftp://relay.example/f/\(Self.blobID)#\(fragment)",
            "https://relay.example/x/\(Self.blobID)#\(fragment)", "https://relay.example/f/\(Self.blobID)?a=1#\(fragment)",
            "https://relay.example/f/\(Self.blobID)#\(fragment)AA", "https://relay.example/f/\(Self.blobID)#\(fragment.dropLast(4))",
            "https:///f/\(Self.blobID)#\(fragment)",
        ] {
            #expect(throws: FileError.malformedLink, "\(text.prefix(60))") { try PublicLink(parsing: text) }
        }
    }

    // MARK: Progress bar

    @Test func progressBarIsSilentWhenNotATerminal() {
        let lines = LineSink()
        let bar = TerminalProgressBar(label: "f", forceEnabled: false, write: { lines.append($0) })
        bar.update(TransferProgress(completed: 5, total: 10))
        bar.finish()
        #expect(lines.lines.isEmpty)
        // The test runner's stderr is a pipe, not a terminal: the default detection stays silent too.
        #expect(TerminalProgressBar(label: "f").isEnabled == (isatty(2) == 1))
    }

    @Test func progressBarDrawsAndSanitizesItsLabel() {
        let lines = LineSink()
        let bar = TerminalProgressBar(label: "evil\u{1B}]0;x\u{7}.txt", width: 10, forceEnabled: true, write: { lines.append($0) })
        bar.update(TransferProgress(completed: 10, total: 10))
        bar.finish()
        #expect(lines.lines.count == 2)
        let drawn = lines.lines[0]
        #expect(drawn.hasPrefix("\r\u{1B}[2K"))
        #expect(!drawn.dropFirst(5).contains("\u{1B}") && !drawn.contains("\u{7}"))
        #expect(drawn.contains("[##########] 100%"))
        #expect(TerminalProgressBar.render(label: "a", progress: .init(completed: 1, total: 4), width: 8, elapsed: .seconds(1)).contains("[##......]  25%"))
    }
}

final class LineSink: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
