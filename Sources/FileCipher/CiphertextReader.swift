public import Crypto
public import Foundation

/// The encrypted file (``FileFormat``) of a plaintext file under a known key and header, read at
/// any offset without an encrypted copy on disk: each chunk is sealed again from the plaintext
/// when a read reaches it. AES-GCM is deterministic for a key and nonce, and the nonce of chunk
/// i is fixed by the format, so a part read twice (an upload resumed) gives the same bytes.
///
/// Uploads read their parts from here, sealing each once and hashing it into the blob id as it
/// goes (no staging copy on disk). If the plaintext changes between an interrupted upload and
/// its resumption, the parts sent before no longer match the address the client computes, and
/// the relay refuses the upload when it completes (`blob_hash_mismatch`); a changed size is
/// caught here (``FileError/sizeMismatch``).
///
/// Holds one sealed chunk; not thread-safe (one reader per upload).
public final class CiphertextReader {
    public let header: FileHeader
    public let plaintextSize: Int64
    private let chunkSize: Int
    private let chunkCount: Int64
    private let file: LocalFile
    private let sealer: ChunkSealer
    private let headerBytes: Data
    private var cached: (index: Int64, sealed: Data)?

    /// Bytes of the encrypted file.
    public let size: Int64

    /// The ciphertext of `url` under `key` and `header`, which must commit to it; the file must
    /// hold `plaintextSize` bytes.
    public init(plaintext url: URL, key: SymmetricKey, header: FileHeader, plaintextSize: Int64) throws {
        guard header.commits(to: key), plaintextSize >= 0 else { throw FileError.malformedHeader }
        self.header = header
        self.plaintextSize = plaintextSize
        self.chunkSize = header.chunkSize
        self.chunkCount = FileFormat.chunkCount(plaintextSize: plaintextSize, chunkSize: header.chunkSize)
        self.size = FileFormat.ciphertextSize(plaintextSize: plaintextSize, chunkSize: header.chunkSize)
        self.file = try LocalFile(reading: url)
        guard file.size == plaintextSize else {
            file.close()
            throw FileError.sizeMismatch
        }
        self.sealer = ChunkSealer(fileKey: key, header: header)
        self.headerBytes = header.encoded
    }

    deinit { file.close() }

    /// Bytes `offset ..< offset + count` of the encrypted file (fewer only at its end).
    public func read(_ count: Int, at offset: Int64) throws -> Data {
        guard offset >= 0, count >= 0 else { throw FileError.sizeMismatch }
        let end = min(offset + Int64(count), size)
        var output = Data(capacity: Int(max(0, end - offset)))
        var position = offset
        let headerSize = Int64(FileFormat.headerSize)
        let sealedSize = Int64(chunkSize + FileFormat.tagSize)
        while position < end {
            if position < headerSize {
                let upper = min(headerSize, end)
                output.append(headerBytes[Int(position)..<Int(upper)])
                position = upper
                continue
            }
            let index = (position - headerSize) / sealedSize
            let within = Int((position - headerSize) % sealedSize)
            let sealed = try sealedChunk(index)
            let take = min(sealed.count - within, Int(end - position))
            let start = sealed.startIndex + within
            output.append(sealed[start..<(start + take)])
            position += Int64(take)
        }
        return output
    }

    /// Chunk `index` sealed (ciphertext || tag), from the one-chunk cache when a read continues it.
    private func sealedChunk(_ index: Int64) throws -> Data {
        if let cached, cached.index == index { return cached.sealed }
        let chunkSize = Int64(self.chunkSize)
        let isFinal = index == chunkCount - 1
        let expected = isFinal ? plaintextSize - index * chunkSize : chunkSize
        let plaintext = try file.read(Int(expected), at: index * chunkSize)
        // The file shrank since it was hashed (other changes show as the relay's hash mismatch).
        guard plaintext.count == expected else { throw FileError.sizeMismatch }
        let sealed = try sealer.sealedChunk(plaintext, index: UInt64(index), isFinal: isFinal)
        cached = (index, sealed)
        return sealed
    }
}
