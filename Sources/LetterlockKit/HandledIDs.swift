import Synchronization

/// Ids handled so far (bounded, oldest forgotten first) and whether each was acknowledged.
final class HandledIDs: Sendable {
    private let state = Mutex<(order: [Int64], outcome: [Int64: Bool])>(([], [:]))

    func outcome(of id: Int64) -> Bool? { state.withLock { $0.outcome[id] } }

    func record(_ id: Int64, acknowledged: Bool, limit: Int) {
        state.withLock { state in
            if state.outcome.updateValue(acknowledged, forKey: id) == nil { state.order.append(id) }
            if state.order.count > limit {
                let excess = state.order.count - limit
                for old in state.order.prefix(excess) { state.outcome[old] = nil }
                state.order.removeFirst(excess)
            }
        }
    }
}
