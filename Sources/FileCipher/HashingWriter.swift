import Crypto
import Foundation
import RelayAPI

/// Hashes (into the blob id, ``BlobAddress``) and writes ciphertext batches on a second thread
/// while the caller seals the next batch: SHA-256 and the write then overlap AES-GCM. At most two
/// batches wait, so memory stays bounded (a few MiB) whatever the file size.
final class HashingWriter: @unchecked Sendable {
    // Touched only on `queue` (and read by `finish` after draining it).
    private var hasher: BlobAddress.Hasher
    private var failure: (any Error)?
    private let writer: LocalFile
    private let queue = DispatchQueue(label: "letterlock.files.hash-write")
    private let slots = DispatchSemaphore(value: 2)

    /// - Parameter size: the ciphertext's size, which the address commits to.
    init(writer: LocalFile, size: Int64) {
        self.writer = writer
        self.hasher = BlobAddress.Hasher(size: size)
    }

    /// Queues `batch`; blocks while two batches are already waiting.
    func submit(_ batch: Data) {
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.failure == nil else { return }
            batch.withUnsafeBytes { self.hasher.update(bufferPointer: $0) }
            do { try self.writer.write(batch) } catch { self.failure = error }
        }
    }

    /// Waits for every queued batch; the content address of everything written.
    /// - Throws: ``FileError/sizeMismatch`` if that was not the announced size (the input changed).
    func finish() throws -> SHA256.Digest {
        try queue.sync {
            if let failure { throw failure }
            guard let address = hasher.finalize() else { throw FileError.sizeMismatch }
            return address
        }
    }
}
