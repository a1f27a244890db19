import Synchronization

/// Reuses the filter's one full-size float buffer between hashing calls.
///
/// A fresh multi-megabyte allocation per image is returned to the kernel on free and faulted in
/// again, page by page, on the next image: measured at about as much time as the filter itself.
/// A handful of buffers are kept instead (bounded count and size, so the memory held stays small
/// and predictable); concurrent hashers each take their own.
enum PDQScratch {
    /// At most this many idle buffers are kept.
    static let maxPooled = 4
    /// Buffers larger than this many floats (64 MiB) are freed after use rather than kept.
    static let maxPooledFloats = 16 << 20

    private struct Buffer: @unchecked Sendable {  // owned by exactly one holder: the pool or a caller
        var pointer: UnsafeMutablePointer<Float>
        var capacity: Int
    }

    private static let pool = Mutex<[Buffer]>([])

    /// Runs `body` with an uninitialised buffer of at least `count` floats.
    static func withBuffer<Result>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        let reused = pool.withLock { buffers -> Buffer? in
            guard let index = buffers.firstIndex(where: { $0.capacity >= count }) else { return nil }
            return buffers.remove(at: index)
        }
        let buffer = reused ?? Buffer(pointer: .allocate(capacity: max(count, 1)), capacity: max(count, 1))
        defer {
            let kept = buffer.capacity <= maxPooledFloats && pool.withLock { buffers -> Bool in
                guard buffers.count < maxPooled else { return false }
                buffers.append(buffer)
                return true
            }
            if !kept { buffer.pointer.deallocate() }
        }
        return body(buffer.pointer)
    }
}
