import Dispatch
import Foundation

/// `body(0..<count)` computed in parallel chunks, results in index order. For the per-member
/// public-key work of large Commits (KeyPackage signatures, Welcome encryptions), which is
/// independent per member and dominates adding thousands of members.
func parallelMap<T: Sendable>(count: Int, chunkSize: Int = 64, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > chunkSize else { return (0..<count).map(body) }
    let chunks = (count + chunkSize - 1) / chunkSize
    let results = ParallelResults<T>(count: chunks)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let range = chunk * chunkSize..<min(count, (chunk + 1) * chunkSize)
        results.set(chunk, range.map(body))
    }
    return results.joined
}

/// Per-chunk results of ``parallelMap(count:chunkSize:_:)``, each slot written by one worker.
private final class ParallelResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[T]]

    init(count: Int) {
        chunks = Array(repeating: [], count: count)
    }

    func set(_ chunk: Int, _ values: [T]) {
        lock.lock()
        chunks[chunk] = values
        lock.unlock()
    }

    var joined: [T] {
        lock.lock()
        defer { lock.unlock() }
        return chunks.flatMap { $0 }
    }
}
