public import Crypto
public import Foundation

/// The encrypting half of STREAM (``FileFormat``): seals chunks in order, the last one flagged.
///
/// A value with no I/O: callers read plaintext and write what it returns. Every chunk but the
/// final must be exactly ``FileHeader/chunkSize`` bytes; after the final chunk it refuses more.
public struct ChunkSealer: Sendable {
    public let header: FileHeader
    private let key: SymmetricKey
    private let associatedData: Data
    private var index: UInt64 = 0
    private var finished = false

    /// - Parameters:
    ///   - fileKey: the 32-byte per-file key (random, carried in the manifest).
    public init(fileKey: SymmetricKey, header: FileHeader) {
        self.header = header
        self.key = FileFormat.chunkKey(fileKey: fileKey, salt: header.salt)
        self.associatedData = header.encoded
    }

    /// Seals the next chunk and appends `ciphertext || tag` to `output`.
    public mutating func seal(_ plaintext: some DataProtocol, isFinal: Bool, into output: inout Data) throws {
        guard !finished, index < FileFormat.maximumChunkCount else { throw FileError.fileTooLarge }
        guard isFinal ? plaintext.count <= header.chunkSize && (plaintext.count > 0 || index == 0) : plaintext.count == header.chunkSize
        else { throw FileError.sizeMismatch }
        output.append(try sealedChunk(plaintext, index: index, isFinal: isFinal))
        index += 1
        finished = isFinal
    }

    /// `ciphertext || tag` of chunk `index` (the format fixes its nonce), with no order or size
    /// check: the bytes ``seal(_:isFinal:into:)`` appends for that chunk, for readers that seal
    /// chunks again out of order (``CiphertextReader``).
    func sealedChunk(_ plaintext: some DataProtocol, index: UInt64, isFinal: Bool) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, nonce: FileFormat.nonce(index: index, isFinal: isFinal), authenticating: associatedData)
        // nonce || ciphertext || tag (always there for 12-byte nonces): skip the nonce, no copy.
        if let combined = box.combined { return combined.dropFirst(12) }
        return box.ciphertext + box.tag
    }

    /// Chunks sealed so far.
    public var chunksSealed: UInt64 { index }
}
