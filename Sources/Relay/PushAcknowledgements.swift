import Synchronization

/// The acknowledgements of one push session on their way to the store, deleted without the
/// session waiting for them.
///
/// Ids are queued as `ack` frames arrive; one store job per session is in flight at a time and
/// carries the ids queued so far (at most ``maximumQueued``), so a device acking one entry at a time costs one job per
/// group-commit batch, not one per frame, and the session's reader never waits on a commit.
///
/// - Durability: the store's completion runs once the deletion is committed; an ack saved to disk
///   is never undone. An ack not yet committed when the relay stops is lost, and the entry is
///   pushed again on reconnect (at-least-once, same id), exactly as for an ack still in transit.
/// - Bounded memory: at most ``maximumQueued`` ids wait for the next job (plus one frame's worth):
///   past that, ``waitForRoom()`` suspends the reader, which stops reading the socket, until the
///   job in flight commits.
/// - No duplicates from this session: an id acknowledged and not yet deleted is
///   ``isPending(_:)``, and the session does not push it again (a store read may still find it).
/// - Failure: the job's ids stay in the store; `failed` is called once (the session reports and
///   closes, so the device reconnects and gets those entries again) and later acks are ignored.
final class PushAcknowledgements: Sendable {
    /// Hands ids to the store; the completion gets the count deleted once durable, or the error.
    typealias Submit = @Sendable ([Int64], @escaping @Sendable (Result<Int, any Error>) -> Void) -> Void

    private struct State {
        /// Ids waiting for the next job, in arrival order.
        var queued: [Int64] = []
        /// Queued ids and those of the job in flight: acknowledged, not yet deleted.
        var pending: Set<Int64> = []
        var jobInFlight = false
        var failed = false
        /// The reader, waiting for room (one reader per session).
        var waiter: CheckedContinuation<Void, Never>?

        /// The next job: the oldest queued ids, at most `maximum`, so that one session never puts
        /// more than that many deletes into a group-commit batch (session 5 review L4).
        mutating func takeJob(_ maximum: Int) -> [Int64] {
            guard queued.count > maximum else {
                defer { queued = [] }
                return queued
            }
            let job = Array(queued.prefix(maximum))
            queued.removeFirst(maximum)
            return job
        }
    }

    let maximumQueued: Int
    private let state = Mutex(State())
    private let submit: Submit
    private let committed: @Sendable (Int) -> Void
    private let failed: @Sendable (any Error) -> Void

    /// - Parameters:
    ///   - committed: called with each job's count of deleted entries (on the store's thread).
    ///   - failed: called once, for the first job that fails (on the store's thread).
    init(
        maximumQueued: Int = 1_024, submit: @escaping Submit, committed: @escaping @Sendable (Int) -> Void,
        failed: @escaping @Sendable (any Error) -> Void
    ) {
        self.maximumQueued = max(1, maximumQueued)
        self.submit = submit
        self.committed = committed
        self.failed = failed
    }

    /// Queues `ids` for deletion, starting a job if none is in flight. Returns whether the queue
    /// is full: the caller then awaits ``waitForRoom()`` before reading more.
    func add(_ ids: [Int64]) -> Bool {
        let (job, full) = state.withLock { state -> ([Int64]?, Bool) in
            guard !state.failed else { return (nil, false) }
            for id in ids where state.pending.insert(id).inserted { state.queued.append(id) }
            guard !state.jobInFlight, !state.queued.isEmpty else { return (nil, state.queued.count >= maximumQueued) }
            state.jobInFlight = true
            return (state.takeJob(maximumQueued), state.queued.count >= maximumQueued)
        }
        if let job { start(job) }
        return full
    }

    /// Returns once fewer than ``maximumQueued`` ids wait (the job in flight committed and the
    /// next one took them), or the acknowledgements failed.
    func waitForRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard state.queued.count >= maximumQueued, !state.failed else { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Whether `id` was acknowledged on this session and its deletion is not yet committed.
    func isPending(_ id: Int64) -> Bool {
        state.withLock { $0.pending.contains(id) }
    }

    private func start(_ job: [Int64]) {
        submit(job) { result in self.finish(job, result) }
    }

    private func finish(_ job: [Int64], _ result: Result<Int, any Error>) {
        let (next, waiter, firstFailure) = state.withLock { state -> ([Int64]?, CheckedContinuation<Void, Never>?, Bool) in
            job.forEach { state.pending.remove($0) }
            var waiter = state.waiter
            state.waiter = nil
            if case .failure = result {
                let first = !state.failed
                state.failed = true
                state.queued.forEach { state.pending.remove($0) }
                state.queued = []
                state.jobInFlight = false
                return (nil, waiter, first)
            }
            guard !state.queued.isEmpty else {
                state.jobInFlight = false
                return (nil, waiter, false)
            }
            let next = state.takeJob(maximumQueued)
            if state.queued.count >= maximumQueued {
                // Still full: the reader waits for the next job.
                state.waiter = waiter
                waiter = nil
            }
            return (next, waiter, false)
        }
        switch result {
        case .success(let count): committed(count)
        case .failure(let error): if firstFailure { failed(error) }
        }
        waiter?.resume()
        if let next { start(next) }
    }
}
