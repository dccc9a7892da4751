public import ConsRouteModel

/// The counterfactual outcome of a routing policy on a set of shadow samples.
///
/// Means are over all evaluated samples; ratios are to the same samples sent all to the cloud.
public struct PolicyOutcome: Sendable, Hashable, Codable {
    /// The number of samples evaluated.
    public var sampleCount: Int
    /// Q: the mean score of the tier each sample was routed to.
    public var quality: Double
    /// Q / Q_cloud.
    public var qualityRatio: Double
    /// L: the mean latency (ms) of the routed tiers.
    public var meanLatency: Double
    /// L / L_cloud.
    public var latencyRatio: Double
    /// C: the mean cost of the routed tiers.
    public var meanCost: Double
    /// C / C_cloud.
    public var costRatio: Double
    /// The share of samples per tier.
    public var tierShares: TierShares

    /// Creates an outcome from its parts.
    /// - Parameters:
    ///   - sampleCount: the number of samples evaluated.
    ///   - quality: Q.
    ///   - qualityRatio: Q / Q_cloud.
    ///   - meanLatency: L.
    ///   - latencyRatio: L / L_cloud.
    ///   - meanCost: C.
    ///   - costRatio: C / C_cloud.
    ///   - tierShares: the share of samples per tier.
    public init(
        sampleCount: Int,
        quality: Double,
        qualityRatio: Double,
        meanLatency: Double,
        latencyRatio: Double,
        meanCost: Double,
        costRatio: Double,
        tierShares: TierShares
    ) {
        self.sampleCount = sampleCount
        self.quality = quality
        self.qualityRatio = qualityRatio
        self.meanLatency = meanLatency
        self.latencyRatio = latencyRatio
        self.meanCost = meanCost
        self.costRatio = costRatio
        self.tierShares = tierShares
    }

    /// The objective U of docs/design.md §6 for this outcome.
    /// - Parameter weights: the objective weights.
    public func utility(_ weights: ObjectiveWeights) -> Double {
        weights.utility(qualityRatio: qualityRatio, latencyRatio: latencyRatio, costRatio: costRatio)
    }
}
