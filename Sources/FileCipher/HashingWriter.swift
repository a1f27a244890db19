import Crypto
import Foundation

/// Hashes and writes ciphertext batches on a second thread while the caller seals the next
/// batch: SHA-256 and the write then overlap AES-GCM. Without a writer it only hashes. At most two batches wait, so memory stays
/// bounded (a few MiB) whatever the file size.
final class HashingWriter: @unchecked Sendable {
    // Touched only on `queue` (and read by `finish` after draining it).
    private var hasher = SHA256()
    private var failure: (any Error)?
    private let writer: LocalFile?
    private let queue = DispatchQueue(label: "letterlock.files.hash-write")
    private let slots = DispatchSemaphore(value: 2)

    init(writer: LocalFile?) { self.writer = writer }

    /// Queues `batch`; blocks while two batches are already waiting.
    func submit(_ batch: Data) {
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.failure == nil else { return }
            self.hasher.update(data: batch)
            do { try self.writer?.write(batch) } catch { self.failure = error }
        }
    }

    /// Waits for every queued batch; the SHA-256 of everything written.
    func finish() throws -> SHA256.Digest {
        try queue.sync {
            if let failure { throw failure }
            return hasher.finalize()
        }
    }
}
