public import Foundation
public import Logging
import Metrics
public import RelayStorage
public import ServiceLifecycle

/// Deletes mailbox entries past their expiry (default 30 days after arrival), expired commit
/// claims and finished rate-limit windows, every `interval`. A `Service`: it stops at graceful
/// shutdown between sweeps, never in the middle of one.
public struct MailboxExpiryService: Service {
    let store: any RelayStore
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    let afterSweep: (@Sendable () async throws -> Void)?
    let metrics = RelayMetrics()

    public init(
        store: any RelayStore, interval: Duration, now: @escaping @Sendable () -> Date, logger: Logger,
        afterSweep: (@Sendable () async throws -> Void)? = nil
    ) {
        self.store = store
        self.interval = interval
        self.now = now
        self.logger = logger
        self.afterSweep = afterSweep
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await sweep()
            } catch {
                logger.error("expiry sweep failed", metadata: ["error": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One sweep; returns how many entries were deleted.
    @discardableResult
    public func sweep() async throws -> Int {
        let now = now()
        let expired = try await store.expireEntries(now: now)
        try await store.purgeRateLimits(now: now)
        try await afterSweep?()
        if expired > 0 {
            metrics.entriesExpired.increment(by: expired)
            logger.info("expired mailbox entries", metadata: ["count": "\(expired)"])
        }
        return expired
    }
}
