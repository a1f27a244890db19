import Dispatch

/// Fork-join over a fixed number of independent pieces of work.
enum Parallel {
    /// Runs `body(0..<count)`, on up to `threadCount` threads when both exceed one.
    ///
    /// `body` must only touch state that is disjoint per index or read-only.
    static func forEach(_ count: Int, threadCount: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 || threadCount <= 1 {
            for index in 0..<count { body(index) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
