import Foundation

/// Remembers the nonces of recently accepted signed requests so that a captured request cannot
/// be sent again. Bounded: entries live for a fixed time (twice the allowed clock skew, after
/// which the timestamp check refuses the request anyway), and at capacity new requests are
/// refused rather than forgetting nonces early (fail closed).
actor ReplayCache {
    enum Outcome: Equatable { case fresh, replayed, full }

    private let capacity: Int
    private let lifetime: TimeInterval
    private var expiries: [String: Date] = [:]
    /// Insertion order; expiry times are non-decreasing along it (the lifetime is fixed and the
    /// clock is the relay's own), so the oldest entry is always at `head`.
    private var order: [(key: String, expiresAt: Date)] = []
    private var head = 0

    init(capacity: Int, lifetime: TimeInterval) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    func insert(_ key: String, now: Date) -> Outcome {
        evictExpired(now: now)
        if let expiry = expiries[key], expiry > now { return .replayed }
        guard expiries.count < capacity else { return .full }
        let expiresAt = now.addingTimeInterval(lifetime)
        expiries[key] = expiresAt
        order.append((key, expiresAt))
        return .fresh
    }

    var count: Int { expiries.count }

    private func evictExpired(now: Date) {
        while head < order.count, order[head].expiresAt <= now {
            if expiries[order[head].key] == order[head].expiresAt { expiries[order[head].key] = nil }
            head += 1
        }
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
