package import ConsRouteModel
import Foundation

/// What a routing policy achieved on a range of events, absolute and relative to sending everything to the cloud,
/// and its objective `U` (docs/design.md §6) under the replay's weights.
///
/// A ratio whose all-cloud total is 0 (the cloud answered every event wrong, or every latency or cost was 0) is
/// undefined: it is NaN here, `"nan"` in the report's JSON and "undefined" in the summary, never a 0 that reads as a
/// result. The objective then normalises that metric by 1, as the tuner does (docs/algorithms.md).
public struct PolicyFigures: Sendable, Codable, Equatable {
    /// Share of events per tier.
    public struct Shares: Sendable, Codable, Equatable {
        /// Share served by the device.
        public var device: Double
        /// Share served by the edge.
        public var edge: Double
        /// Share served by the cloud.
        public var cloud: Double
    }

    /// Events counted.
    public var events: Int
    /// Q: mean score of the tier each event was served by.
    public var quality: Double
    /// Q / Q(all-cloud); NaN when the all-cloud score total is 0.
    public var qualityRatio: Double
    /// Mean served latency (ms), re-prefill of moved conversations included.
    public var latencyMs: Double
    /// Mean latency / all-cloud mean latency; NaN when the all-cloud total is 0.
    public var latencyRatio: Double
    /// Mean cost per event.
    public var cost: Double
    /// Mean cost / all-cloud mean cost; NaN when the all-cloud total is 0.
    public var costRatio: Double
    /// Share of events per tier.
    public var shares: Shares
    /// `U = Q/Q_cloud − λ_latency·L/L_cloud − λ_cost·C/C_cloud − penalty·max(0, q_min − Q/Q_cloud)`.
    public var objective: Double

    /// The figures of `totals` against the all-cloud totals of the same events.
    package init(_ totals: OutcomeTotals, cloud: OutcomeTotals, weights: ObjectiveWeights) {
        let n = Double(max(1, totals.count))
        events = totals.count
        quality = totals.score / n
        latencyMs = totals.latencyMs / n
        cost = totals.cost / n
        // No events: nothing to compare, and nothing routed below the cloud.
        let undefined = totals.count == 0 ? 0 : Double.nan
        qualityRatio = cloud.score > 0 ? totals.score / cloud.score : undefined
        latencyRatio = cloud.latencyMs > 0 ? totals.latencyMs / cloud.latencyMs : undefined
        costRatio = cloud.cost > 0 ? totals.cost / cloud.cost : undefined
        shares = Shares(
            device: Double(totals.tierCounts[0]) / n,
            edge: Double(totals.tierCounts[1]) / n,
            cloud: Double(totals.tierCounts[2]) / n
        )
        let count = Double(max(1, cloud.count))
        objective = weights.utility(
            qualityRatio: totals.score / (cloud.score > 0 ? cloud.score : count),
            latencyRatio: totals.latencyMs / (cloud.latencyMs > 0 ? cloud.latencyMs : count),
            costRatio: totals.cost / (cloud.cost > 0 ? cloud.cost : count)
        )
    }

    /// A ratio for a summary line: `digits` decimals, or "undefined" when its all-cloud total was 0.
    public static func text(ratio: Double, digits: Int) -> String {
        ratio.isNaN ? "undefined" : String(format: "%.\(digits)f", ratio)
    }
}
