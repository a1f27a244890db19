/// One round of `letterlock-bench relay`: each server under the same load once, back to back.
///
/// Rounds alternate which server goes first (relay then echo, echo then relay, …) so that drift
/// in the machine's load (another process starting, the disk cache warming) does not always
/// favour the same side. The headline figures are those of the median round (``medianIndex(of:)``),
/// both sides from that one round, so that the relay's figure divided by its reference is the
/// printed ratio exactly.
struct RelayRound: Sendable {
    /// 1-based.
    let number: Int
    /// The servers in the order they ran.
    let order: [RelayBench.Target]
    var results: [RelayBench.Target: RelayLoadResult] = [:]

    init(number: Int, order: [RelayBench.Target]) {
        self.number = number
        self.order = order
    }

    /// The servers of round `index` (0-based): `targets` in order in even rounds, reversed in odd ones.
    static func order(ofRound index: Int, targets: [RelayBench.Target]) -> [RelayBench.Target] {
        index.isMultiple(of: 2) ? targets : targets.reversed()
    }

    /// Relay / echo delivered messages/s, when both ran and the echo delivered anything.
    var deliveredRatio: Double? {
        guard let relay = results[.relay], let echo = results[.echo], echo.throughput > 0 else { return nil }
        return relay.throughput / echo.throughput
    }

    /// Echo / relay server-plus-clients CPU per delivered message: the delivered ratio the two
    /// would reach if both were CPU-bound on the same cores. Much less sensitive to other
    /// processes than the delivered ratio (which measures who got the cores), so a cross-check of
    /// it; it is not the goal's figure, and it only predicts the delivered ratio when both loads
    /// use the whole machine (``RelayLoadResult/benchCores``).
    var cpuCostRatio: Double? {
        guard let relay = results[.relay]?.cpuPerMessageWithClients, let echo = results[.echo]?.cpuPerMessageWithClients, relay > 0
        else { return nil }
        return echo / relay
    }

    /// What rounds are ranked by: the delivered ratio, or with one server (`--only`) its delivered messages/s.
    var rank: Double? {
        deliveredRatio ?? (order.count == 1 ? results[order[0]]?.throughput : nil)
    }

    /// How the round is named in metrics: "round 2 of 5 (echo first)".
    func label(of total: Int) -> String {
        let first = order.count > 1 ? " (\(order[0].rawValue) first)" : ""
        return "round \(number) of \(total)\(first)"
    }

    /// The index of the median of `values`: the middle one in ascending order, or with an even
    /// count the lower of the two middle ones (the conservative choice for a "higher is better"
    /// goal). Equal values keep their original order. Nil for no values.
    static func medianIndex(of values: [Double]) -> Int? {
        guard !values.isEmpty else { return nil }
        let ascending = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        return ascending[(values.count - 1) / 2]
    }
}
