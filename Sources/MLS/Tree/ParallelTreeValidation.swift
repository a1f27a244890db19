import Dispatch
import Foundation

/// A joiner's check of a large received tree (RFC 9420 §12.4.3.1) spread over the cores: the
/// whole-tree checks (tree hash, unmerged leaves, key uniqueness, parent hashes) run as one work
/// item beside chunks of the per-leaf checks (§7.3: one signature verification each), all in one
/// `concurrentPerform`, so the whole-tree work hides behind the verifications.
///
/// The outcome is the one a sequential check gives: the whole-tree error if there is one, else
/// the error of the lowest-index invalid leaf (each chunk stops at its first invalid leaf, and
/// every chunk below an invalid one still runs to the end). Work that cannot change the outcome
/// is skipped: every chunk once the whole-tree check failed, and the chunks above the lowest
/// one that already failed.
final class ParallelTreeValidation: @unchecked Sendable {
    // `tree` is touched only by the whole-tree work item, then read by `run` after
    // `concurrentPerform` returned; the bookkeeping below is shared, under `lock`.
    private var tree: RatchetTree
    private let lock = NSLock()
    private var treeError: TreeError?
    private var leafErrors: [LeafNodeValidationError?]
    private var lowestFailedChunk = Int.max

    private init(tree: RatchetTree, chunks: Int) {
        self.tree = tree
        self.leafErrors = Array(repeating: nil, count: chunks)
    }

    /// Runs `wholeTree` on `tree` and `leaves` on the chunks of `0..<leafCount`, in parallel;
    /// returns the tree (with the hashes the whole-tree checks cached) or throws the first error
    /// in the sequential order.
    static func run(
        tree: RatchetTree, leafCount: Int, chunkSize: Int,
        wholeTree: @Sendable (inout RatchetTree) throws(TreeError) -> Void,
        leaves: @Sendable (Range<Int>) -> LeafNodeValidationError?
    ) throws(TreeError) -> RatchetTree {
        let chunks = (leafCount + chunkSize - 1) / chunkSize
        let state = ParallelTreeValidation(tree: tree, chunks: chunks)
        // Iteration 0 (handed out first) is the whole-tree item; iteration i > 0 is chunk i - 1.
        DispatchQueue.concurrentPerform(iterations: chunks + 1) { iteration in
            if iteration == 0 {
                do throws(TreeError) {
                    try wholeTree(&state.tree)
                } catch {
                    state.recordTreeError(error)
                }
                return
            }
            let chunk = iteration - 1
            guard state.mayChange(chunk: chunk) else { return }
            if let error = leaves(chunk * chunkSize..<min(leafCount, (chunk + 1) * chunkSize)) {
                state.record(error, chunk: chunk)
            }
        }
        return try state.outcome()
    }

    private func recordTreeError(_ error: TreeError) {
        lock.withLock { treeError = error }
    }

    /// Whether checking `chunk` can still change the outcome.
    private func mayChange(chunk: Int) -> Bool {
        lock.withLock { treeError == nil && chunk < lowestFailedChunk }
    }

    private func record(_ error: LeafNodeValidationError, chunk: Int) {
        lock.withLock {
            leafErrors[chunk] = error
            lowestFailedChunk = min(lowestFailedChunk, chunk)
        }
    }

    private func outcome() throws(TreeError) -> RatchetTree {
        let (treeError, leafError) = lock.withLock { (self.treeError, leafErrors.lazy.compactMap { $0 }.first) }
        if let treeError { throw treeError }
        if let leafError { throw .invalidLeaf(leafError) }
        return tree
    }
}
