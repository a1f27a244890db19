import Synchronization
import Testing

@testable import Relay

/// ``PushAcknowledgements`` against a store stand-in whose jobs complete when the test says so.
@Suite struct PushAcknowledgementsTests {
    /// The jobs handed to the "store", and their completions, held until the test completes them.
    final class HeldJobs: Sendable {
        private let jobs = Mutex<[(ids: [Int64], completion: @Sendable (Result<Int, any Error>) -> Void)]>([])
        let committed = Mutex<[Int]>([])
        let failures = Mutex(0)

        var submitted: [[Int64]] { jobs.withLock { $0.map(\.ids) } }

        func make(maximumQueued: Int = 1_024) -> PushAcknowledgements {
            PushAcknowledgements(
                maximumQueued: maximumQueued,
                submit: { ids, completion in self.jobs.withLock { $0.append((ids, completion)) } },
                committed: { count in self.committed.withLock { $0.append(count) } },
                failed: { _ in self.failures.withLock { $0 += 1 } }
            )
        }

        /// Completes job `index` (as the store would once its batch commits or fails).
        func complete(_ index: Int, with result: Result<Int, any Error>) {
            let completion = jobs.withLock { $0[index].completion }
            completion(result)
        }
    }

    struct StoreFailure: Error {}

    @Test func oneJobIsInFlightAndTheNextCarriesEveryIDQueuedMeanwhile() {
        let held = HeldJobs()
        let acks = held.make()
        #expect(!acks.add([1]))
        #expect(!acks.add([2, 3]))
        #expect(!acks.add([4, 2]))  // 2 is already pending: not queued twice
        #expect(held.submitted == [[1]])
        held.complete(0, with: .success(1))
        #expect(held.submitted == [[1], [2, 3, 4]])
        held.complete(1, with: .success(3))
        #expect(held.committed.withLock { $0 } == [1, 3])
        // Nothing queued: the next ack starts a job at once.
        #expect(!acks.add([5]))
        #expect(held.submitted == [[1], [2, 3, 4], [5]])
    }

    @Test func anAcknowledgedIDIsPendingUntilItsDeletionCommits() {
        let held = HeldJobs()
        let acks = held.make()
        _ = acks.add([7])
        _ = acks.add([8])
        #expect(acks.isPending(7) && acks.isPending(8) && !acks.isPending(9))
        held.complete(0, with: .success(1))
        #expect(!acks.isPending(7) && acks.isPending(8))
        held.complete(1, with: .success(1))
        #expect(!acks.isPending(8))
    }

    /// A device flooding acks while the store is slow: the queue stops growing at the bound and
    /// the reader waits until the job in flight commits.
    @Test func aFloodOfAcksWaitsForRoomInsteadOfQueueingWithoutBound() async throws {
        let held = HeldJobs()
        let acks = held.make(maximumQueued: 4)
        #expect(!acks.add([1]))  // in flight
        #expect(!acks.add([2, 3]))
        #expect(acks.add([4, 5, 6]))  // five queued: full
        let resumed = Mutex(false)
        let waiter = Task {
            await acks.waitForRoom()
            resumed.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!resumed.withLock { $0 })
        held.complete(0, with: .success(1))  // the next job takes four of the five queued ids
        await waiter.value
        #expect(resumed.withLock { $0 })
        #expect(held.submitted == [[1], [2, 3, 4, 5]])
        // Room already: no wait.
        await acks.waitForRoom()
        held.complete(1, with: .success(4))
        #expect(held.submitted == [[1], [2, 3, 4, 5], [6]])
    }

    /// One job carries at most the bound, so a session never puts more deletes than that into a
    /// group-commit batch (session 5 review L4); a reader waiting for room keeps waiting while
    /// what is left after the next job still fills the queue.
    @Test func aJobCarriesAtMostTheBoundAndTheReaderWaitsWhileTheRestFillsTheQueue() async throws {
        let held = HeldJobs()
        let acks = held.make(maximumQueued: 2)
        #expect(!acks.add([1]))  // in flight
        #expect(acks.add([2, 3, 4, 5]))  // four queued: full
        let resumed = Mutex(false)
        let waiter = Task {
            await acks.waitForRoom()
            resumed.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        held.complete(0, with: .success(1))
        #expect(held.submitted == [[1], [2, 3]])
        try await Task.sleep(for: .milliseconds(200))
        #expect(!resumed.withLock { $0 })  // [4, 5] still fill the queue
        held.complete(1, with: .success(2))
        await waiter.value
        #expect(held.submitted == [[1], [2, 3], [4, 5]])
        #expect(held.submitted.allSatisfy { $0.count <= 2 })
    }

    /// A failed deletion is reported once; its ids and the queued ones are no longer pending (they
    /// are still in the store) and later acks are ignored: the session closes.
    @Test func aFailedJobIsReportedOnceAndEndsTheAcknowledgements() async {
        let held = HeldJobs()
        let acks = held.make(maximumQueued: 2)
        _ = acks.add([1])
        #expect(acks.add([2, 3]))
        held.complete(0, with: .failure(StoreFailure()))
        #expect(held.failures.withLock { $0 } == 1)
        #expect(!acks.isPending(1) && !acks.isPending(2))
        #expect(!acks.add([4]))
        await acks.waitForRoom()  // does not wait after a failure
        #expect(held.submitted == [[1]])
        #expect(held.committed.withLock { $0 }.isEmpty)
    }
}
