import ConsRouteModel
import ConsRouteTuning

/// The `oracle_fleet` baseline: per window, in hindsight on the window's own full-information events, the fleet
/// allocation with one quality constraint for the whole fleet at exactly `q_min` (no bound, no margin), on the
/// groups of the table in effect (its clusters; events before the first table, and novel ones, form groups of their
/// own); then the window routed with those thresholds in order. What a policy that knew each window's traffic
/// could reach under the fleet contract.
struct FleetHindsightOracle: Sendable {
    private let weights: ObjectiveWeights
    private var groupIndex: [HindsightOracle.GroupKey: Int] = [:]
    private var pending: [(group: Int, query: ReplayQuery)] = []
    var ledger: PolicyLedger

    init(weights: ObjectiveWeights, reprefillMsPer1kTokens: [Float]) {
        self.weights = weights
        ledger = PolicyLedger(reprefillMsPer1kTokens: reprefillMsPer1kTokens)
    }

    /// Buffers an event of the current window.
    mutating func append(_ query: ReplayQuery, group key: HindsightOracle.GroupKey) {
        let group: Int
        if let known = groupIndex[key] {
            group = known
        } else {
            group = groupIndex.count
            groupIndex[key] = group
        }
        pending.append((group, query))
    }

    /// Allocates the window's quality budget across its groups and serves the window with the result.
    mutating func closeWindow() {
        var groups = [[ReplayQuery]](repeating: [], count: groupIndex.count)
        for item in pending { groups[item.group].append(item.query) }
        let pairs = groups.isEmpty ? [] : fleetHindsightPairs(groups, floor: weights.qualityMin, weights: weights)
        for item in pending {
            let pair = pairs[item.group]
            ledger.serve(item.query, on: pair.tier(pDevice: item.query.pDevice, pEdge: item.query.pEdge))
        }
        pending.removeAll(keepingCapacity: true)
        groupIndex.removeAll(keepingCapacity: true)
    }
}
