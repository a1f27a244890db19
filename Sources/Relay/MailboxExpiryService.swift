public import Foundation
public import Logging
import Metrics
public import RelayStorage
public import ServiceLifecycle

/// Deletes mailbox entries past their expiry (default 30 days after arrival), expired commit
/// claims, finished rate-limit windows, expired blobs and uploads, and blob files no account
/// holds any more, every `interval`. A `Service`: it stops at graceful
/// shutdown between sweeps, never in the middle of one.
public struct MailboxExpiryService: Service {
    let store: any RelayStore
    let blobContent: (any BlobContentStore)?
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    let afterSweep: (@Sendable () async throws -> Void)?
    let metrics = RelayMetrics()
    /// Shared with the relay's blob routes, so that a blob being completed is never erased.
    var blobLocks = KeyedMutex()

    public init(
        store: any RelayStore, blobContent: (any BlobContentStore)? = nil, interval: Duration, now: @escaping @Sendable () -> Date, logger: Logger,
        afterSweep: (@Sendable () async throws -> Void)? = nil
    ) {
        self.store = store
        self.blobContent = blobContent
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
        try await store.purgeRequestNonces(now: now)
        if let blobContent { try await sweepBlobs(blobContent, now: now) }
        try await afterSweep?()
        if expired > 0 {
            metrics.entriesExpired.increment(by: expired)
            logger.info("expired mailbox entries", metadata: ["count": "\(expired)"])
        }
        return expired
    }

    /// Erases expired blobs and uploads, then any file without metadata (left by a crash or an
    /// account deletion) that is older than an hour, so that an upload being completed is never
    /// mistaken for an orphan.
    private func sweepBlobs(_ content: any BlobContentStore, now: Date) async throws {
        let expired = try await store.expireBlobs(now: now)
        let stored = try await content.storedIDs(modifiedBefore: Date().addingTimeInterval(-3600))
        // Checked again under the blob's lock: a completion may have referenced it meanwhile.
        for blob in Set(expired.blobs + stored.blobs) {
            try await blobLocks.withLock(blob) { [store] in
                if try await !store.blobExists(blob) { try await content.erase(blob: blob) }
            }
        }
        for upload in expired.uploads { try await content.erase(upload: upload) }
        for upload in stored.uploads where try await store.upload(upload) == nil { try await content.erase(upload: upload) }
    }
}
