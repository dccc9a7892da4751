import ConsRouteModel
import ConsRouteTuning

/// The `oracle` baseline: per window, the thresholds the exact sweep finds in hindsight on the window's own
/// full-information events, one pair per cluster of the table in effect (events before the first table, and novel
/// events, form a group of their own), then the window routed with them in order.
struct HindsightOracle: Sendable {
    /// A buffered event: its group and what routing and serving need.
    private struct Pending: Sendable {
        var group: Int
        var query: ReplayQuery
    }

    private let weights: ObjectiveWeights
    private var groupIndex: [GroupKey: Int] = [:]
    private var pending: [Pending] = []
    var ledger: PolicyLedger

    /// A cluster of one table version (`cluster` -1: no table, or novel).
    struct GroupKey: Hashable, Sendable {
        var version: UInt64
        var cluster: Int
    }

    init(weights: ObjectiveWeights, reprefillMsPer1kTokens: [Float]) {
        self.weights = weights
        ledger = PolicyLedger(reprefillMsPer1kTokens: reprefillMsPer1kTokens)
    }

    /// Buffers an event of the current window.
    mutating func append(_ query: ReplayQuery, group key: GroupKey) {
        let group: Int
        if let known = groupIndex[key] {
            group = known
        } else {
            group = groupIndex.count
            groupIndex[key] = group
        }
        pending.append(Pending(group: group, query: query))
    }

    /// Optimises each group's thresholds on the window and serves the window's events with them, in order.
    ///
    /// - Complexity: O(n + groups · G²) for n buffered events and the sweep's grid of G values per axis.
    mutating func closeWindow() {
        var members = [[Int]](repeating: [], count: groupIndex.count)
        for (position, item) in pending.enumerated() { members[item.group].append(position) }
        let pairs = members.map { positions in thresholds(for: positions.map { pending[$0].query }) }
        for item in pending {
            let pair = pairs[item.group]
            let query = item.query
            let tier: Tier = query.pDevice >= pair.device ? .device : (query.pEdge >= pair.edge ? .edge : .cloud)
            ledger.serve(query, on: tier)
        }
        pending.removeAll(keepingCapacity: true)
        groupIndex.removeAll(keepingCapacity: true)
    }

    /// The sweep's optimum for a group; all-cloud when the sweep cannot run (an all-cloud reference of 0).
    private func thresholds(for queries: [ReplayQuery]) -> ThresholdPair {
        let samples = ShadowSamples.of(queries)
        // Hindsight on the window's own events: the finer the grid, the closer to the best any table could do.
        let grid = ThresholdGrid.fitted(pDevice: samples.pDevice, pEdge: samples.pEdge, steps: 200)
        return (try? ExactSweepOptimizer(grid: grid).optimize(samples, weights: weights).pair) ?? .allCloud
    }
}
