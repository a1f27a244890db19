public import Crypto
public import Foundation
import RelayAPI

/// Encrypts a local file into the ``FileFormat`` in constant memory: one chunk of look-ahead and
/// a bounded write buffer, whatever the file's size.
public enum FileEncryptor {
    /// Bytes gathered before each write to the output.
    package static let writeBatch = 1 << 20

    /// Encrypts `input` into `output` (created with mode 0600, replaced if present) under a fresh
    /// random key, hashing the ciphertext on the way to give the relay's blob id.
    ///
    /// - Parameters:
    ///   - name: the display name carried in the manifest (default: `input`'s last path component).
    ///   - progress: called with (plaintext bytes done, total) after each batch.
    public static func encrypt(
        contentsOf input: URL, to output: URL, name: String? = nil, mediaType: String = "application/octet-stream",
        chunkSizeLog2: UInt8 = FileFormat.defaultChunkSizeLog2, key: SymmetricKey = SymmetricKey(size: .bits256),
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) throws -> FileManifest {
        let writer = try LocalFile(creating: output)
        var succeeded = false
        defer {
            writer.close()
            if !succeeded { try? FileManager.default.removeItem(at: output) }
        }
        let manifest = try seal(input, into: writer, name: name, mediaType: mediaType, chunkSizeLog2: chunkSizeLog2, key: key, progress: progress)
            .manifest
        succeeded = true
        return manifest
    }

    private static func seal(
        _ input: URL, into writer: LocalFile, name: String?, mediaType: String, chunkSizeLog2: UInt8, key: SymmetricKey,
        progress: (@Sendable (TransferProgress) -> Void)?
    ) throws -> (manifest: FileManifest, header: FileHeader) {
        let reader = try LocalFile(reading: input)
        let total = reader.size ?? 0
        let sink = HashingWriter(writer: writer, size: FileFormat.ciphertextSize(plaintextSize: total, chunkSize: 1 << Int(chunkSizeLog2)))
        defer {
            _ = try? sink.finish()  // drain before closing, on every path
            reader.close()
        }
        let header = try FileHeader(fileKey: key, chunkSizeLog2: chunkSizeLog2)
        let chunkSize = header.chunkSize
        var sealer = ChunkSealer(fileKey: key, header: header)
        var batch = Data(capacity: writeBatch + chunkSize + FileFormat.tagSize)
        batch.append(header.encoded)
        var done: Int64 = 0

        var current = try reader.read(chunkSize)
        while true {
            let next = current.count == chunkSize ? try reader.read(chunkSize) : Data()
            let isFinal = next.isEmpty
            try sealer.seal(current, isFinal: isFinal, into: &batch)
            done += Int64(current.count)
            if batch.count >= writeBatch || isFinal {
                // Hashing and writing run on another thread while the next batch is sealed.
                sink.submit(batch)
                batch = Data(capacity: writeBatch + chunkSize + FileFormat.tagSize)
                progress?(TransferProgress(completed: done, total: max(total, done)))
            }
            if isFinal { break }
            current = next
        }
        let blobID = BlobAddress.hex(try sink.finish())
        let manifest = try FileManifest(
            name: name ?? input.lastPathComponent, mediaType: mediaType, plaintextSize: done, chunkSizeLog2: chunkSizeLog2, blobID: blobID, key: key)
        return (manifest, header)
    }
}

/// Bytes done out of a total, for progress callbacks.
public struct TransferProgress: Hashable, Sendable {
    public var completed: Int64
    public var total: Int64
    public init(completed: Int64, total: Int64) {
        self.completed = completed
        self.total = total
    }

    /// 0 to 1 (1 for an empty transfer).
    public var fraction: Double { total > 0 ? min(1, Double(completed) / Double(total)) : 1 }
}
