package import ConsRouteModel

/// What a fleet's devices observed recently: tier shares, mean latency and cost per tier, and, on shadow samples,
/// the served tier's quality, latency and cost relative to the cloud's (the observed side of the quality-ratio
/// panel; the predicted side is the active table's `expected`).
///
/// Exponentially weighted over events (each event's weight decays by `1 - 1/horizon` per later event), so the
/// figures follow drift within about `horizon` events without keeping the events.
package struct RecentOutcomes: Sendable {
    /// The number of events that carry about 63% of the weight.
    package let horizon: Double
    private let decay: Double
    private var served = [0.0, 0.0, 0.0]
    private var latency = [0.0, 0.0, 0.0]
    private var cost = [0.0, 0.0, 0.0]
    private var shadowWeight = 0.0
    private var shadowServedScore = 0.0
    private var shadowCloudScore = 0.0
    private var shadowServedLatency = 0.0
    private var shadowCloudLatency = 0.0
    private var shadowServedCost = 0.0
    private var shadowCloudCost = 0.0

    /// Empty figures.
    ///
    /// - Parameter horizon: the events that carry about 63% of the weight (at least 1).
    package init(horizon: Double = 5_000) {
        self.horizon = max(1, horizon)
        decay = 1 - 1 / self.horizon
    }

    /// Adds one event.
    ///
    /// - Complexity: O(1).
    package mutating func add(_ event: TelemetryEvent) {
        for tier in 0..<3 {
            served[tier] *= decay
            latency[tier] *= decay
            cost[tier] *= decay
        }
        let tier = event.tier.rawValue
        served[tier] += 1
        latency[tier] += Double(event.latencyMs)
        cost[tier] += Double(event.cost)
        guard let shadow = event.shadow else { return }
        // Shadow samples decay per shadow sample, so a low sampling rate still averages over `horizon` of them.
        shadowWeight = shadowWeight * decay + 1
        shadowServedScore = shadowServedScore * decay + Double(shadow.score[event.tier])
        shadowCloudScore = shadowCloudScore * decay + Double(shadow.score.cloud)
        shadowServedLatency = shadowServedLatency * decay + Double(shadow.latencyMs[event.tier])
        shadowCloudLatency = shadowCloudLatency * decay + Double(shadow.latencyMs.cloud)
        shadowServedCost = shadowServedCost * decay + Double(shadow.cost[event.tier])
        shadowCloudCost = shadowCloudCost * decay + Double(shadow.cost.cloud)
    }

    /// The share of recent events served by `tier` (0 before any event).
    package func share(_ tier: Tier) -> Double {
        let total = served.reduce(0, +)
        return total > 0 ? served[tier.rawValue] / total : 0
    }

    /// Mean latency of recent events served by `tier`, in milliseconds; nil if none.
    package func meanLatencyMs(_ tier: Tier) -> Double? {
        served[tier.rawValue] > 0 ? latency[tier.rawValue] / served[tier.rawValue] : nil
    }

    /// Mean cost of recent events served by `tier`; nil if none.
    package func meanCost(_ tier: Tier) -> Double? {
        served[tier.rawValue] > 0 ? cost[tier.rawValue] / served[tier.rawValue] : nil
    }

    /// Served quality over cloud quality on recent shadow samples; nil before any.
    package var qualityRatio: Double? { ratio(shadowServedScore, shadowCloudScore) }
    /// Served latency over cloud latency on recent shadow samples; nil before any.
    package var latencyRatio: Double? { ratio(shadowServedLatency, shadowCloudLatency) }
    /// Served cost over cloud cost on recent shadow samples; nil before any.
    package var costRatio: Double? { ratio(shadowServedCost, shadowCloudCost) }

    private func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
        shadowWeight > 0 && denominator > 0 ? numerator / denominator : nil
    }
}
