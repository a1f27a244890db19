public import Crypto
public import Foundation

/// The decrypting half of STREAM (``FileFormat``): opens chunks in order and refuses anything
/// after the final one. A value with no I/O.
public struct ChunkOpener: Sendable {
    public let header: FileHeader
    private let key: SymmetricKey
    private let associatedData: Data
    private(set) var index: UInt64
    private(set) var finished = false

    /// - Parameter startIndex: the first chunk to expect (non-zero when resuming a download whose
    ///   earlier chunks were verified before).
    /// - Throws: ``FileError/authenticationFailed`` when the header commits to another key.
    public init(fileKey: SymmetricKey, header: FileHeader, startIndex: UInt64 = 0) throws {
        guard header.commits(to: fileKey) else { throw FileError.authenticationFailed }
        self.header = header
        self.key = FileFormat.chunkKey(fileKey: fileKey, salt: header.salt)
        self.associatedData = header.encoded
        self.index = startIndex
    }

    /// Opens the next sealed chunk (`ciphertext || tag`). `isFinal` says whether the stream ends
    /// after it; a chunk sealed with the other flag fails authentication.
    public mutating func open(_ sealed: some DataProtocol, isFinal: Bool) throws -> Data {
        guard !finished else { throw FileError.trailingData }
        guard index < FileFormat.maximumChunkCount else { throw FileError.fileTooLarge }
        let chunkSize = header.chunkSize
        if isFinal {
            // The last chunk holds 1…chunkSize bytes, or 0 when it is the only chunk.
            guard sealed.count <= chunkSize + FileFormat.tagSize, sealed.count > FileFormat.tagSize || (sealed.count == FileFormat.tagSize && index == 0)
            else { throw sealed.count < FileFormat.tagSize ? FileError.truncated : FileError.authenticationFailed }
        } else {
            guard sealed.count == chunkSize + FileFormat.tagSize else { throw FileError.truncated }
        }
        let split = sealed.index(sealed.endIndex, offsetBy: -FileFormat.tagSize)
        do {
            let box = try AES.GCM.SealedBox(
                nonce: FileFormat.nonce(index: index, isFinal: isFinal), ciphertext: sealed[sealed.startIndex..<split], tag: sealed[split...])
            let plaintext = try AES.GCM.open(box, using: key, authenticating: associatedData)
            index += 1
            finished = isFinal
            return plaintext
        } catch {
            throw FileError.authenticationFailed
        }
    }
}
