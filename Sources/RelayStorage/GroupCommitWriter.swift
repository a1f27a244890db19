import GRDB
import Synchronization

/// Group commit for the hot write paths (sends, acknowledgements, rate-limit counters): jobs that
/// arrive while a transaction is being committed wait, and the next transaction runs all of them,
/// each inside its own savepoint, then commits once. With `synchronous = FULL` that is one WAL
/// fsync per batch instead of one per job.
///
/// Durability is unchanged: a job's caller is answered only after the COMMIT of its batch has
/// returned, so nothing the relay acknowledges can be lost. Isolation is unchanged too: the jobs of
/// a batch run one after another, in arrival order, in a single writer transaction, so each sees
/// the writes of the jobs before it (a second commit for an epoch sees the first one's claim). A
/// job that throws rolls back its own savepoint only; its caller gets the error.
///
/// Each batch runs on GRDB's writer queue (``DatabasePool/asyncWriteWithoutTransaction(_:)``) and
/// answers its jobs from there: no task runs the loop, so a batch costs one hop onto the writer
/// queue and one per async caller it resumes (``submit(_:completion:)`` callers resume none).
/// Batches are queued on the writer one at a time, so other writes of the pool interleave with
/// them in arrival order instead of waiting for the group commit to run dry.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        /// Runs the work inside the batch's transaction; returns how to answer the caller once the
        /// batch is committed.
        let run: @Sendable (Database) -> @Sendable () -> Void
        /// Answers the caller when the batch as a whole failed.
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [Job] = []
        /// A batch is queued on or running on the writer queue; it queues the next one.
        var flushing = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    /// Jobs per transaction: bounds how long one transaction holds the writer.
    private let maximumBatch: Int

    init(pool: DatabasePool, maximumBatch: Int = 256) {
        self.pool = pool
        self.maximumBatch = maximumBatch
    }

    /// Runs `work` in the next batch's transaction and returns its result once that batch is
    /// committed (durably, with `synchronous = FULL`).
    ///
    /// - Parameter committed: called with the result once the batch is committed, before the
    ///   caller resumes. Batches commit one after another and their jobs are answered in order,
    ///   so these calls follow the order in which the jobs ran (for deliveries: entry id order).
    func write<T: Sendable>(
        _ work: @escaping @Sendable (Database) throws -> T, committed: (@Sendable (T) -> Void)? = nil
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit(work) { result in
                if case .success(let value) = result { committed?(value) }
                continuation.resume(with: result)
            }
        }
    }

    /// Runs `work` in the next batch's transaction without waiting for it: `completion` gets the
    /// result once the batch is committed (durably), or the error if the job or its batch failed.
    ///
    /// `completion` runs on GRDB's writer queue, in the order the jobs ran, while the next batch
    /// waits: it must be quick and must not call the store synchronously (it may submit a job).
    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T, completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        let job = Job(
            run: { db in
                do {
                    var value: T?
                    try db.inSavepoint {
                        value = try work(db)
                        return .commit
                    }
                    guard let value else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "savepoint returned no value") }
                    return { completion(.success(value)) }
                } catch {
                    return { completion(.failure(error)) }
                }
            },
            fail: { error in completion(.failure(error)) }
        )
        let lead = state.withLock { state in
            state.pending.append(job)
            defer { state.flushing = true }
            return !state.flushing
        }
        if lead { scheduleBatch() }
    }

    /// Queues a batch on the writer; only while `flushing` is set and jobs are pending.
    private func scheduleBatch() {
        pool.asyncWriteWithoutTransaction { db in self.runBatch(db) }
    }

    /// Commits one batch on the writer queue, answers its jobs, and queues the next batch if jobs
    /// are waiting.
    private func runBatch(_ db: Database) {
        let batch = state.withLock { state -> [Job] in
            let batch = Array(state.pending.prefix(maximumBatch))
            state.pending.removeFirst(batch.count)
            return batch
        }
        do {
            var answers: [@Sendable () -> Void] = []
            answers.reserveCapacity(batch.count)
            try db.inTransaction {
                for job in batch {
                    answers.append(job.run(db))
                    // Some errors (a full disk, I/O) make SQLite roll the whole transaction back:
                    // the jobs before this one would then be lost, so the batch fails.
                    guard db.isInsideTransaction else {
                        throw DatabaseError(resultCode: .SQLITE_ABORT, message: "the batch's transaction was rolled back")
                    }
                }
                return .commit
            }
            for answer in answers { answer() }
        } catch {
            for job in batch { job.fail(error) }
        }
        // Jobs that arrived meanwhile make the next batch; without them the flushing ends.
        let more = state.withLock { state in
            state.flushing = !state.pending.isEmpty
            return state.flushing
        }
        if more { scheduleBatch() }
    }
}
