/// Mutual exclusion per key (here a blob id), for async code: `withLock` runs its body while no
/// other body holds the same key. Waiters are served in arrival order.
///
/// The relay runs as one process, so this is enough to order the steps that decide whether a
/// blob's file may be erased (review L5); several nodes will need the lock in the store.
actor KeyedMutex {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    private func lock(_ key: String) async {
        guard held.contains(key) else {
            held.insert(key)
            return
        }
        // Ownership is handed over by `unlock`, so the key stays held meanwhile.
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    private func unlock(_ key: String) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            held.remove(key)
        }
    }

    func withLock<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await lock(key)
        defer { unlock(key) }
        return try await body()
    }
}
