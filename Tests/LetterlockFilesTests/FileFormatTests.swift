import Crypto
import Foundation
import LetterlockFiles
import RelayAPI
import Testing

/// The streaming cipher on local files: round trips at the size boundaries, and every kind of
/// tampering rejected with a typed error and no output.
@Suite struct FileFormatTests {
    /// The content address (``BlobAddress``) of `data`, lowercase hex.
    static func address(_ data: Data) -> String {
        var hasher = BlobAddress.Hasher(size: Int64(data.count))
        hasher.update(data: data)
        return BlobAddress.hex(hasher.finalize()!)
    }

    static let chunk = 1 << Int(FileFormat.defaultChunkSizeLog2)

    @Test(arguments: [0, 1, 100, chunk - 1, chunk, chunk + 1, 3 * chunk, 3 * chunk + 7])
    func roundTrip(size: Int) throws {
        let scratch = try Scratch()
        let input = try scratch.makeFile("plain", size: size, seed: UInt64(size) + 1)
        let manifest = try FileEncryptor.encrypt(contentsOf: input, to: scratch.file("sealed"), mediaType: "text/plain")
        #expect(manifest.plaintextSize == Int64(size))
        #expect(manifest.name == "plain" && manifest.mediaType == "text/plain")
        let sealed = try Data(contentsOf: scratch.file("sealed"))
        #expect(Int64(sealed.count) == manifest.ciphertextSize)
        #expect(Self.address(sealed) == manifest.blobID, "the blob id is the per-part content address")
        #expect(manifest.blobIDKind == .parts && manifest.encoded[4] == 2, "a version 2 manifest")
        #expect(FileFormat.plaintextSize(ciphertextSize: Int64(sealed.count), chunkSize: Self.chunk) == Int64(size))
        try FileDecryptor.decrypt(contentsOf: scratch.file("sealed"), manifest: manifest, to: scratch.file("out"))
        #expect(try sameContents(input, scratch.file("out")))
        #expect(Set(scratch.contents()) == ["plain", "sealed", "out"], "no partial file left behind")
    }

    @Test func encryptingTheSameFileTwiceGivesUnrelatedCiphertexts() throws {
        let scratch = try Scratch()
        let input = try scratch.makeFile("plain", size: 1000)
        let key = SymmetricKey(size: .bits256)
        let first = try FileEncryptor.encrypt(contentsOf: input, to: scratch.file("a"), key: key)
        let second = try FileEncryptor.encrypt(contentsOf: input, to: scratch.file("b"), key: key)
        // Even under the same key, the random salt gives a fresh chunk key.
        #expect(first.blobID != second.blobID)
    }

    // MARK: Tampering

    /// Encrypts a 3.5-chunk file (and a second file of the same size) and returns both.
    private func sealedPair(_ scratch: Scratch) throws -> (manifest: FileManifest, bytes: Data, other: FileManifest, otherBytes: Data) {
        let size = 3 * Self.chunk + Self.chunk / 2
        let manifest = try FileEncryptor.encrypt(contentsOf: try scratch.makeFile("plain", size: size), to: scratch.file("sealed"))
        let other = try FileEncryptor.encrypt(contentsOf: try scratch.makeFile("plain2", size: size, seed: 9), to: scratch.file("sealed2"))
        return (manifest, try Data(contentsOf: scratch.file("sealed")), other, try Data(contentsOf: scratch.file("sealed2")))
    }

    private func chunkRange(_ index: Int) -> Range<Int> {
        let start = FileFormat.headerSize + index * (Self.chunk + FileFormat.tagSize)
        return start..<(start + Self.chunk + FileFormat.tagSize)
    }

    /// Decrypts `bytes` under `manifest`; returns the error, checking that no output or partial file exists.
    private func reject(_ bytes: Data, _ manifest: FileManifest, _ scratch: Scratch) throws -> FileError? {
        let tampered = scratch.file("tampered")
        try bytes.write(to: tampered)
        let output = scratch.file("out")
        var caught: FileError?
        do { try FileDecryptor.decrypt(contentsOf: tampered, manifest: manifest, to: output) } catch let error as FileError { caught = error }
        #expect(!FileManager.default.fileExists(atPath: output.path), "no output file")
        #expect(!scratch.contents().contains { $0.hasSuffix(".letterlock-part") }, "no partial file")
        return caught
    }

    @Test func truncationIsRejected() throws {
        let scratch = try Scratch()
        let (manifest, bytes, _, _) = try sealedPair(scratch)
        #expect(try reject(bytes.prefix(chunkRange(3).lowerBound), manifest, scratch) == .truncated, "last chunk dropped")
        #expect(try reject(bytes.dropLast(5), manifest, scratch) == .truncated, "cut inside the last chunk")
        #expect(try reject(bytes.prefix(10), manifest, scratch) == .truncated, "cut inside the header")
    }

    /// Even when the attacker also shrinks the announced size (they cannot without the key-holder,
    /// but the cipher must not rely on that), the missing final flag is caught.
    @Test func truncationIsCaughtByTheFinalFlagAlone() throws {
        let scratch = try Scratch()
        let (manifest, bytes, _, _) = try sealedPair(scratch)
        let shortened = try FileManifest(
            name: manifest.name, mediaType: manifest.mediaType, plaintextSize: Int64(3 * Self.chunk), chunkSizeLog2: manifest.chunkSizeLog2,
            blobID: manifest.blobID, key: manifest.key)
        #expect(try reject(bytes.prefix(chunkRange(3).lowerBound), shortened, scratch) == .authenticationFailed)
    }

    @Test func extensionIsRejected() throws {
        let scratch = try Scratch()
        let (manifest, bytes, _, _) = try sealedPair(scratch)
        #expect(try reject(bytes + Data(repeating: 0, count: 40), manifest, scratch) == .trailingData)
        let longer = try FileManifest(
            name: manifest.name, mediaType: manifest.mediaType, plaintextSize: manifest.plaintextSize + 40, chunkSizeLog2: manifest.chunkSizeLog2,
            blobID: manifest.blobID, key: manifest.key)
        // Appending bytes after the final chunk, with a size that admits them: the formerly final chunk is now opened as non-final.
        #expect(try reject(bytes + Data(repeating: 0, count: 40), longer, scratch) == .authenticationFailed)
    }

    @Test func reorderingIsRejected() throws {
        let scratch = try Scratch()
        let (manifest, bytes, _, _) = try sealedPair(scratch)
        var swapped = bytes
        swapped.replaceSubrange(chunkRange(0), with: bytes[chunkRange(1)])
        swapped.replaceSubrange(chunkRange(1), with: bytes[chunkRange(0)])
        #expect(try reject(swapped, manifest, scratch) == .authenticationFailed)
    }

    @Test func chunkFromAnotherFileIsRejected() throws {
        let scratch = try Scratch()
        let (manifest, bytes, _, otherBytes) = try sealedPair(scratch)
        var mixed = bytes
        mixed.replaceSubrange(chunkRange(1), with: otherBytes[chunkRange(1)])
        #expect(try reject(mixed, manifest, scratch) == .authenticationFailed)
        // The other file's header too (its salt): still another chunk key.
        var headerSwapped = bytes
        headerSwapped.replaceSubrange(0..<FileFormat.headerSize, with: otherBytes[0..<FileFormat.headerSize])
        #expect(try reject(headerSwapped, manifest, scratch) == .authenticationFailed)
    }

    @Test(arguments: [0, 5, 7, 8, 23, 24, 40, 55, 56, 100, 3 * (1 << 16) + 40, -1])
    func bitFlipIsRejected(position: Int) throws {
        let scratch = try Scratch()
        let (manifest, bytes, _, _) = try sealedPair(scratch)
        var flipped = bytes
        let index = position < 0 ? bytes.count - 1 : position
        flipped[index] ^= 0x04
        let error = try reject(flipped, manifest, scratch)
        #expect(error == .authenticationFailed || error == .malformedHeader || error == .unsupportedVersion, "\(String(describing: error))")
    }

    @Test func wrongKeyIsRejected() throws {
        let scratch = try Scratch()
        let (manifest, bytes, _, _) = try sealedPair(scratch)
        let wrong = try FileManifest(
            name: manifest.name, mediaType: manifest.mediaType, plaintextSize: manifest.plaintextSize, chunkSizeLog2: manifest.chunkSizeLog2,
            blobID: manifest.blobID, key: SymmetricKey(size: .bits256))
        #expect(try reject(bytes, wrong, scratch) == .authenticationFailed)
    }

    /// AES-GCM alone is not key-committing: a crafted ciphertext can open under two keys
    /// (Dodis, Grubbs, Ristenpart, Woodage 2018). The header's commitment refuses every key but one
    /// before any chunk is opened.
    @Test func theHeaderCommitsToOneKey() throws {
        let key = SymmetricKey(size: .bits256)
        let header = try FileHeader(fileKey: key)
        #expect(header.commits(to: key))
        #expect(!header.commits(to: SymmetricKey(size: .bits256)))
        #expect(throws: FileError.authenticationFailed) { try ChunkOpener(fileKey: SymmetricKey(size: .bits256), header: header) }
        // A header re-encoded with another commitment is refused too.
        var forged = header.encoded
        forged[40] ^= 1
        #expect(throws: FileError.authenticationFailed) { try ChunkOpener(fileKey: key, header: FileHeader(parsing: forged)) }
    }

    @Test func aChunkSealedNonFinalCannotEndTheStream() throws {
        let key = SymmetricKey(size: .bits256)
        let header = try FileHeader(fileKey: key, chunkSizeLog2: 12)
        var sealer = ChunkSealer(fileKey: key, header: header)
        var sealed = Data()
        try sealer.seal(Data(repeating: 1, count: 4096), isFinal: false, into: &sealed)
        var opener = try ChunkOpener(fileKey: key, header: header)
        #expect(throws: FileError.authenticationFailed) { try opener.open(sealed, isFinal: true) }
        var again = try ChunkOpener(fileKey: key, header: header)
        #expect(try again.open(sealed, isFinal: false) == Data(repeating: 1, count: 4096))
        // The sealer enforces the shape: a short non-final chunk, an empty final chunk after others, anything after the final one.
        #expect(throws: FileError.sizeMismatch) { try sealer.seal(Data(count: 10), isFinal: false, into: &sealed) }
        #expect(throws: FileError.sizeMismatch) { try sealer.seal(Data(), isFinal: true, into: &sealed) }
        try sealer.seal(Data(count: 10), isFinal: true, into: &sealed)
        #expect(throws: FileError.fileTooLarge) { try sealer.seal(Data(count: 10), isFinal: true, into: &sealed) }
    }

    @Test func headerDecoderIsStrict() throws {
        let good = try FileHeader(fileKey: SymmetricKey(size: .bits256)).encoded
        #expect(try FileHeader(parsing: good) == FileHeader(parsing: good))
        var badMagic = good
        badMagic[0] = 0
        #expect(throws: FileError.malformedHeader) { try FileHeader(parsing: badMagic) }
        var version = good
        version[4] = 2
        #expect(throws: FileError.unsupportedVersion) { try FileHeader(parsing: version) }
        for size: UInt8 in [0, 11, 23, 255] {
            var chunk = good
            chunk[5] = size
            #expect(throws: FileError.malformedHeader) { try FileHeader(parsing: chunk) }
        }
        var reserved = good
        reserved[7] = 1
        #expect(throws: FileError.malformedHeader) { try FileHeader(parsing: reserved) }
        #expect(throws: FileError.malformedHeader) { try FileHeader(parsing: good.dropLast()) }
        #expect(throws: FileError.malformedHeader) { try FileHeader(parsing: good + [0]) }
    }

    @Test func sizeArithmetic() {
        let chunk = Self.chunk
        for size: Int64 in [0, 1, Int64(chunk) - 1, Int64(chunk), Int64(chunk) + 1, 5 * Int64(chunk), 1 << 40] {
            let sealed = FileFormat.ciphertextSize(plaintextSize: size, chunkSize: chunk)
            #expect(FileFormat.plaintextSize(ciphertextSize: sealed, chunkSize: chunk) == size)
        }
        #expect(FileFormat.ciphertextSize(plaintextSize: 0, chunkSize: chunk) == 72)
        // A lone tag after a full chunk (an empty final chunk) is not a canonical file.
        #expect(FileFormat.plaintextSize(ciphertextSize: 56 + Int64(chunk) + 32, chunkSize: chunk) == nil)
        #expect(FileFormat.plaintextSize(ciphertextSize: 71, chunkSize: chunk) == nil)
    }
}

/// A known answer from an independent implementation of docs/file-format.md
/// (`scripts/file-format-reference.py vector`, Python with pyca/cryptography).
@Suite struct FileFormatKnownAnswerTests {
    static let key = SymmetricKey(data: Array(0..<32) as [UInt8])
    static let salt = Data(Array(100..<116) as [UInt8])
    static let plaintext = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    static let ciphertextSHA256 = "ea4ae6861465552adaf97dc082575e634c7c23c82ea8b6821106a6e46016ce84"
    static let manifestHex =
        "4c4c464d010c0000000000001388ea4ae6861465552adaf97dc082575e634c7c23c82ea8b6821106a6e46016ce84000102030405060708090a0b0c0d0e0f"
        + "101112131415161718191a1b1c1d1e1f000a766563746f722e62696e186170706c69636174696f6e2f6f637465742d73747265616d"

    @Test func sealingMatchesTheReferenceImplementation() throws {
        let header = try FileHeader(fileKey: Self.key, chunkSizeLog2: 12, salt: Self.salt)
        var sealer = ChunkSealer(fileKey: Self.key, header: header)
        var sealed = header.encoded
        try sealer.seal(Self.plaintext.prefix(4096), isFinal: false, into: &sealed)
        try sealer.seal(Self.plaintext.dropFirst(4096), isFinal: true, into: &sealed)
        #expect(SHA256.hash(data: sealed).map { String(format: "%02x", $0) }.joined() == Self.ciphertextSHA256)

        let manifest = try FileManifest(decoding: try #require(Self.bytes(hex: Self.manifestHex)))
        #expect(manifest.name == "vector.bin" && manifest.plaintextSize == 5000 && manifest.chunkSize == 4096 && manifest.key == Self.key)
        #expect(manifest.blobID == Self.ciphertextSHA256)
        #expect(manifest.encoded.map { String(format: "%02x", $0) }.joined() == Self.manifestHex)

        let scratch = try Scratch()
        try sealed.write(to: scratch.file("sealed"))
        try FileDecryptor.decrypt(contentsOf: scratch.file("sealed"), manifest: manifest, to: scratch.file("out"))
        #expect(try Data(contentsOf: scratch.file("out")) == Self.plaintext)
    }

    static let addressV2 = "db5e23d18270e435e3bce5d70e50360ec7becd9003b59433227c1735c95025e5"
    static let manifestV2Hex =
        "4c4c464d020c0000000000001388db5e23d18270e435e3bce5d70e50360ec7becd9003b59433227c1735c95025e5000102030405060708090a0b0c0d0e0f"
        + "101112131415161718191a1b1c1d1e1f000a766563746f722e62696e186170706c69636174696f6e2f6f637465742d73747265616d"
    /// The reference's address of 2 parts and 1000 bytes: bytes (i·131 + (i >> 11)) & 0xff.
    static let multiPartAddress = "e562fb5e1a72a3d8b0e654456c93d511b159740598996357663d9217138e9786"

    /// The content address and manifest of version 2 (docs/file-format.md §Content address),
    /// from the same reference: the version 1 answer above still decodes and decrypts, checked
    /// against the whole SHA-256; this one against the per-part address.
    @Test func theContentAddressMatchesTheReferenceImplementation() throws {
        let header = try FileHeader(fileKey: Self.key, chunkSizeLog2: 12, salt: Self.salt)
        var sealer = ChunkSealer(fileKey: Self.key, header: header)
        var sealed = header.encoded
        try sealer.seal(Self.plaintext.prefix(4096), isFinal: false, into: &sealed)
        try sealer.seal(Self.plaintext.dropFirst(4096), isFinal: true, into: &sealed)
        #expect(FileFormatTests.address(sealed) == Self.addressV2)
        let manifest = try FileManifest(decoding: try #require(Self.bytes(hex: Self.manifestV2Hex)))
        #expect(manifest.blobIDKind == .parts && manifest.blobID == Self.addressV2)
        #expect(manifest.encoded.map { String(format: "%02x", $0) }.joined() == Self.manifestV2Hex)
        let scratch = try Scratch()
        try sealed.write(to: scratch.file("sealed"))
        try FileDecryptor.decrypt(contentsOf: scratch.file("sealed"), manifest: manifest, to: scratch.file("out"))
        #expect(try Data(contentsOf: scratch.file("out")) == Self.plaintext)
        // The same ciphertext under the version 1 manifest's id is refused by a version 2 reader.
        let mislabelled = try FileManifest(
            name: "vector.bin", mediaType: "application/octet-stream", plaintextSize: 5000, chunkSizeLog2: 12, blobID: Self.ciphertextSHA256,
            key: Self.key)
        #expect(throws: FileError.blobMismatch) { try FileDecryptor.decrypt(contentsOf: scratch.file("sealed"), manifest: mislabelled, to: scratch.file("x")) }

        let size = 2 * BlobAddress.partSize + 1000
        let big = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ ($0 >> 11)) })
        #expect(FileFormatTests.address(big) == Self.multiPartAddress)
    }

    static func bytes(hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let byte = UInt8(String([high, low]), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
