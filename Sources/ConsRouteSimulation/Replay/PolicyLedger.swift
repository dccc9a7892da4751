package import ConsRouteModel

/// One evaluated policy's bookkeeping in a replay: where each conversation's KV cache lives (to charge re-prefill
/// when a conversation moves) and the outcome totals: overall, for the current window, and from the first adaptive
/// table on.
package struct PolicyLedger: Sendable {
    /// Per session slot: the tier that served the previous turn (`noTier` before the first).
    private var previousTiers: [UInt8] = []
    private static let noTier: UInt8 = .max
    package let reprefillMsPer1kTokens: [Float]
    package var total = OutcomeTotals()
    package var window = OutcomeTotals()
    /// The totals from the event the first adaptive table applied to on (every policy routes all-cloud before it),
    /// nil until then.
    package var afterFirstTable: OutcomeTotals?

    package init(reprefillMsPer1kTokens: [Float]) {
        self.reprefillMsPer1kTokens = reprefillMsPer1kTokens
    }

    /// The conversation state the router sees for a query (nil for a first turn or a single query).
    @inline(__always)
    package func turnContext(_ query: ReplayQuery) -> TurnContext? {
        guard query.slot >= 0, query.turn > 0, query.slot < previousTiers.count,
            let previous = Tier(rawValue: Int(previousTiers[query.slot]))
        else { return nil }
        return TurnContext(previousTier: previous, contextTokens: query.contextTokens)
    }

    /// Serves `query` on `tier`: its score, latency (plus re-prefill when the conversation moves) and cost.
    ///
    /// - Returns: the served latency and cost.
    @inline(__always)
    @discardableResult
    package mutating func serve(_ query: ReplayQuery, on tier: Tier) -> (latencyMs: Double, cost: Float) {
        var latency = Double(query.shadow.latencyMs[tier])
        if let context = turnContext(query), context.previousTier != tier {
            latency += Double(reprefillMsPer1kTokens[tier.rawValue]) * Double(query.contextTokens) / 1000
        }
        if query.slot >= 0 {
            if query.slot >= previousTiers.count {
                previousTiers.append(
                    contentsOf: repeatElement(Self.noTier, count: query.slot + 1 - previousTiers.count)
                )
            }
            previousTiers[query.slot] = UInt8(tier.rawValue)
        }
        let cost = query.shadow.cost[tier]
        total.add(tier: tier, score: query.shadow.score[tier], latencyMs: latency, cost: cost)
        window.add(tier: tier, score: query.shadow.score[tier], latencyMs: latency, cost: cost)
        afterFirstTable?.add(tier: tier, score: query.shadow.score[tier], latencyMs: latency, cost: cost)
        return (latency, cost)
    }
}
