import Foundation
import GRDB
import Synchronization
import Testing

@testable import RelayStorage

/// ``GroupCommitWriter`` on its own pool: batches, per-job savepoints, the batch-wide failure,
/// and ``GroupCommitWriter/submit(_:completion:)``.
@Suite struct GroupCommitWriterTests {
    func withWriter(_ body: (GroupCommitWriter, DatabasePool) async throws -> Void) async throws {
        try await TemporaryDirectory.with("group-commit") { directory in
            let pool = try DatabasePool(path: directory.appendingPathComponent("db.sqlite").path)
            try await pool.write { db in try db.execute(sql: "CREATE TABLE t (v INTEGER NOT NULL UNIQUE)") }
            try await body(GroupCommitWriter(pool: pool), pool)
        }
    }

    /// Holds the writer queue until `release` is called, so that the jobs submitted meanwhile
    /// make one batch.
    final class WriterGate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let entered = DispatchSemaphore(value: 0)

        init(_ pool: DatabasePool) {
            pool.asyncWriteWithoutTransaction { _ in
                self.entered.signal()
                self.semaphore.wait()
            }
            entered.wait()
        }

        func release() { semaphore.signal() }
    }

    static func values(_ pool: DatabasePool) async throws -> [Int] {
        try await pool.read { db in try Int.fetchAll(db, sql: "SELECT v FROM t ORDER BY v") }
    }

    /// A job that fails (a constraint) rolls back its own savepoint only; its batch commits and
    /// every other caller gets its result, in submission order.
    @Test func aFailingJobFailsAloneAndTheOthersCommitInOrder() async throws {
        try await withWriter { writer, pool in
            let gate = WriterGate(pool)
            let results = Mutex<[(Int, Bool)]>([])
            let done = DispatchSemaphore(value: 0)
            for value in [1, 2, 1, 3] {
                writer.submit({ db in try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: [value]) }) { result in
                    results.withLock { $0.append((value, (try? result.get()) != nil)) }
                    done.signal()
                }
            }
            gate.release()
            for _ in 0..<4 { await Task.detached { done.wait() }.value }
            #expect(results.withLock { $0.map(\.0) } == [1, 2, 1, 3])
            #expect(results.withLock { $0.map(\.1) } == [true, true, false, true])
            let values = try await Self.values(pool)
            #expect(values == [1, 2, 3])
        }
    }

    /// When a job ends the transaction itself (as SQLite does on a full disk or an I/O error),
    /// the jobs before it in the batch would be lost: the whole batch fails, nothing commits.
    @Test func aBatchWhoseTransactionWasRolledBackFailsAsAWhole() async throws {
        try await withWriter { writer, pool in
            let gate = WriterGate(pool)
            let first = Task { try await writer.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (10)") } }
            try await Task.sleep(for: .milliseconds(50))
            let second = Task { try await writer.write { db in try db.execute(sql: "ROLLBACK") } }
            try await Task.sleep(for: .milliseconds(50))
            // Would run outside any transaction, committed on its own, if the batch went on.
            let third = Task { try await writer.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (12)") } }
            // All three queued behind the gate, in this order: one batch.
            try await Task.sleep(for: .milliseconds(100))
            gate.release()
            await #expect(throws: (any Error).self) { try await first.value }
            await #expect(throws: (any Error).self) { try await second.value }
            await #expect(throws: (any Error).self) { try await third.value }
            #expect(try await Self.values(pool) == [])
            // The writer carries on.
            try await writer.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES (11)") }
            #expect(try await Self.values(pool) == [11])
        }
    }

    /// `submit` answers on the writer queue once the batch is committed: the row is durable and
    /// visible to a reader when the completion runs.
    @Test func submitAnswersOnceCommitted() async throws {
        try await withWriter { writer, pool in
            let count = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                writer.submit({ db -> Int in
                    try db.execute(sql: "INSERT INTO t (v) VALUES (5)")
                    return db.changesCount
                }) { result in
                    // A fresh read connection sees the row: the transaction is committed.
                    let seen = try? pool.read { db in try Int.fetchOne(db, sql: "SELECT v FROM t") }
                    continuation.resume(with: result.map { seen == 5 ? $0 : -1 })
                }
            }
            #expect(count == 1)
        }
    }
}
