import Crypto
import Foundation
import LetterlockFiles
import RelayAPI
import Testing

/// Uploads seal the plaintext again instead of keeping an encrypted copy: the reader must give
/// exactly the bytes the first pass hashed, at any offset, and refuse a file that changed size.
@Suite struct CiphertextReaderTests {
    static let chunk = 1 << Int(FileFormat.defaultChunkSizeLog2)

    @Test(arguments: [0, 1, chunk - 1, chunk, 3 * chunk + 7])
    func readsTheCiphertextTheManifestHashed(size: Int) throws {
        let scratch = try Scratch()
        let input = try scratch.makeFile("plain", size: size, seed: UInt64(size) + 11)
        let (manifest, header) = try FileEncryptor.manifest(for: input)
        let reader = try CiphertextReader(plaintext: input, manifest: manifest, header: header)
        #expect(reader.size == manifest.ciphertextSize)

        let whole = try reader.read(Int(reader.size) + 100, at: 0)
        #expect(Int64(whole.count) == manifest.ciphertextSize, "short only at the end")
        #expect(FileFormatTests.address(whole) == manifest.blobID)

        // Pieces at arbitrary offsets (across the header and chunk boundaries, backwards too).
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            let offset = Int.random(in: 0...whole.count, using: &generator)
            let count = Int.random(in: 0...(2 * Self.chunk + 40), using: &generator)
            let piece = try reader.read(count, at: Int64(offset))
            #expect(piece == whole[offset..<min(whole.count, offset + count)])
        }

        // And it decrypts to the input.
        let encrypted = scratch.file("sealed")
        try whole.write(to: encrypted)
        try FileDecryptor.decrypt(contentsOf: encrypted, manifest: manifest, to: scratch.file("opened"))
        #expect(try sameContents(input, scratch.file("opened")))
    }

    @Test func refusesAFileWhoseSizeChangedOrAnotherHeader() throws {
        let scratch = try Scratch()
        let input = try scratch.makeFile("plain", size: 3 * Self.chunk)
        let (manifest, header) = try FileEncryptor.manifest(for: input)
        let other = try FileHeader(fileKey: SymmetricKey(size: .bits256))
        #expect(throws: FileError.malformedHeader) { try CiphertextReader(plaintext: input, manifest: manifest, header: other) }

        let reader = try CiphertextReader(plaintext: input, manifest: manifest, header: header)
        // Shrunk after the reader opened it: the chunks past the new end are refused.
        let handle = try FileHandle(forWritingTo: input)
        try handle.truncate(atOffset: UInt64(Self.chunk))
        try handle.close()
        #expect(throws: FileError.sizeMismatch) { try reader.read(1000, at: manifest.ciphertextSize - 1000) }
        #expect(throws: FileError.sizeMismatch) { try CiphertextReader(plaintext: input, manifest: manifest, header: header) }
    }
}
