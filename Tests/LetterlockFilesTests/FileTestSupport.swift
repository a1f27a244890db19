import Crypto
import FileCipher
import Foundation
@testable import LetterlockFiles
import RelayAPI

// Test-only entry points that production code does not need (moved out of the library in
// session 5): production uploads seal from the plaintext through `CiphertextReader` and never
// hash a file without uploading it.

extension FileEncryptor {
    /// Encrypts `input` to a temporary file and keeps only what an upload needs to produce the
    /// same ciphertext again: the manifest (with the blob id the encryptor hashed) and the header.
    static func manifest(for input: URL) throws -> (manifest: FileManifest, header: FileHeader) {
        let sealed = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-sealed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: sealed) }
        let manifest = try encrypt(contentsOf: input, to: sealed)
        let handle = try FileHandle(forReadingFrom: sealed)
        defer { try? handle.close() }
        let header = try FileHeader(parsing: try handle.read(upToCount: FileFormat.headerSize) ?? Data())
        return (manifest, header)
    }
}

extension CiphertextReader {
    /// The ciphertext `manifest` names, from the plaintext and the header it was sealed under.
    convenience init(plaintext url: URL, manifest: FileManifest, header: FileHeader) throws {
        guard header.chunkSizeLog2 == manifest.chunkSizeLog2 else { throw FileError.malformedHeader }
        try self.init(plaintext: url, key: manifest.key, header: header, plaintextSize: manifest.plaintextSize)
    }
}

extension BlobClient {
    /// Uploads the bytes of `file` as they are (an already encrypted file, or bytes a test chose),
    /// resumable like the production upload from a `CiphertextReader`.
    func upload(_ uploadID: String, from file: URL) async throws -> BlobResponse {
        let bytes = try Data(contentsOf: file)
        return try await upload(
            uploadID, size: Int64(bytes.count),
            read: { count, offset in
                let start = Int(clamping: max(0, min(offset, Int64(bytes.count))))
                return bytes.subdata(in: start..<min(bytes.count, start + count))
            }, progress: nil)
    }
}
