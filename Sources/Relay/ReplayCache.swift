import Foundation

/// Remembers the nonces of recently accepted signed requests so that a captured request cannot
/// be sent again. Bounded: entries live for a fixed time (twice the allowed clock skew, after
/// which the timestamp check refuses the request anyway), and at capacity new requests are
/// refused rather than forgetting nonces early (fail closed).
///
/// The space is shared fairly, so that one device cannot lock out the others (review H1):
/// each device holds at most `perDeviceCapacity` nonces, and when the whole cache is full a
/// device still holding fewer than `reservedPerDevice` is admitted anyway. A flood therefore
/// refuses only the flooding devices; the worst-case size is `capacity` plus
/// `reservedPerDevice` for each device that signed a request within the lifetime.
actor ReplayCache {
    enum Outcome: Equatable { case fresh, replayed, full }

    private let capacity: Int
    private let perDeviceCapacity: Int
    private let reservedPerDevice: Int
    private let lifetime: TimeInterval
    private var expiries: [Key: Date] = [:]
    /// Live nonces per device.
    private var counts: [String: Int] = [:]
    /// Insertion order; expiry times are non-decreasing along it (the lifetime is fixed and the
    /// clock is the relay's own), so the oldest entry is always at `head`.
    private var order: [(key: Key, expiresAt: Date)] = []
    private var head = 0

    private struct Key: Hashable {
        let device: String
        let nonce: String
    }

    init(capacity: Int, perDeviceCapacity: Int, reservedPerDevice: Int, lifetime: TimeInterval) {
        self.capacity = capacity
        self.perDeviceCapacity = perDeviceCapacity
        self.reservedPerDevice = min(reservedPerDevice, perDeviceCapacity)
        self.lifetime = lifetime
    }

    /// Whether `nonce` was already used by `device` (read only: the caller rate-limits the device
    /// before it records anything, so a refused request spends no space).
    func contains(device: String, nonce: String, now: Date) -> Bool {
        evictExpired(now: now)
        return expiries[Key(device: device, nonce: nonce)].map { $0 > now } ?? false
    }

    /// Records `nonce` for `device` unless it was used before or the device's share is full.
    func insert(device: String, nonce: String, now: Date) -> Outcome {
        evictExpired(now: now)
        let key = Key(device: device, nonce: nonce)
        if let expiry = expiries[key], expiry > now { return .replayed }
        let held = counts[device, default: 0]
        guard held < perDeviceCapacity, expiries.count < capacity || held < reservedPerDevice else { return .full }
        let expiresAt = now.addingTimeInterval(lifetime)
        expiries[key] = expiresAt
        counts[device] = held + 1
        order.append((key, expiresAt))
        return .fresh
    }

    var count: Int { expiries.count }

    private func evictExpired(now: Date) {
        while head < order.count, order[head].expiresAt <= now {
            let (key, expiresAt) = order[head]
            if expiries[key] == expiresAt {
                expiries[key] = nil
                let remaining = counts[key.device, default: 1] - 1
                counts[key.device] = remaining > 0 ? remaining : nil
            }
            head += 1
        }
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
