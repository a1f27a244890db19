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
        let box = try AES.GCM.seal(plaintext, using: key, nonce: FileFormat.nonce(index: index, isFinal: isFinal), authenticating: associatedData)
        output.append(box.ciphertext)
        output.append(box.tag)
        index += 1
        finished = isFinal
    }

    /// Chunks sealed so far.
    public var chunksSealed: UInt64 { index }
}
