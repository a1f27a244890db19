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
    /// One job: its work, and its caller's completion with the result kept until the batch is
    /// committed. One object per job (closures would cost several allocations each).
    private class Job: @unchecked Sendable {
        /// Runs the work inside the batch's transaction, in its own savepoint, keeping the result.
        /// Returns false when a failed job's writes could not be undone alone: the batch must
        /// then fail as a whole rather than commit half a job.
        func run(_ db: Database) -> Bool { true }
        /// Answers the caller with the kept result, once the batch is committed.
        func answer() {}
        /// Answers the caller when the batch as a whole failed.
        func fail(_ error: any Error) {}
    }

    /// Touched only by the submitting thread (before the job is queued) and then by the writer
    /// queue, one after another: hence `@unchecked Sendable`.
    private final class TypedJob<T: Sendable>: Job, @unchecked Sendable {
        let work: @Sendable (Database) throws -> T
        let completion: @Sendable (Result<T, any Error>) -> Void
        var result: Result<T, any Error>?

        init(work: @escaping @Sendable (Database) throws -> T, completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
            self.work = work
            self.completion = completion
        }

        override func run(_ db: Database) -> Bool {
            // The job's savepoint, as GRDB's `inSavepoint` runs it inside a transaction, but with
            // its three statements prepared once per connection: `inSavepoint` parses SAVEPOINT
            // and RELEASE again for every job (~5 % of the relay's CPU under
            // `letterlock-bench relay`, two jobs per message).
            do {
                try db.cachedStatement(sql: "SAVEPOINT job").execute()
                do {
                    let value = try work(db)
                    try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
                    result = .success(value)
                } catch {
                    // Undo this job only, unless SQLite already rolled the whole transaction back
                    // (then the batch fails, see `runBatch`).
                    result = .failure(error)
                    guard db.isInsideTransaction else { return true }
                    do {
                        try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT job").execute()
                        try db.cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
                        return true
                    } catch {
                        // The job's writes are still in the transaction: committing the batch
                        // would commit half of a job whose caller gets an error (session 5
                        // review L6).
                        return false
                    }
                }
            } catch {
                result = .failure(error)
            }
            return true
        }

        override func answer() {
            completion(result ?? .failure(DatabaseError(resultCode: .SQLITE_MISUSE, message: "job did not run")))
        }

        override func fail(_ error: any Error) { completion(.failure(error)) }
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
        // Unsafe: `submit` calls its completion exactly once (answered or failed, never both).
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
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
        let job = TypedJob(work: work, completion: completion)
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
            // The usual case: everything waiting fits, taken without copying.
            if state.pending.count <= maximumBatch {
                defer { state.pending = [] }
                return state.pending
            }
            let batch = Array(state.pending.prefix(maximumBatch))
            state.pending.removeFirst(batch.count)
            return batch
        }
        do {
            try db.inTransaction {
                for job in batch {
                    // Some errors (a full disk, I/O) make SQLite roll the whole transaction back:
                    // the jobs before this one would then be lost, so the batch fails. So does a
                    // failed job whose savepoint could not be rolled back.
                    guard job.run(db), db.isInsideTransaction else {
                        throw DatabaseError(resultCode: .SQLITE_ABORT, message: "the batch's transaction was rolled back")
                    }
                }
                return .commit
            }
            for job in batch { job.answer() }
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
