/// What a routing policy is expected to do for the fleet's current traffic, estimated on a ``CalibrationSet``.
public struct PolicyEstimate: Sendable, Hashable, Codable {
    /// The number of calibration samples.
    public var sampleCount: Int
    /// The point estimate of the fleet's `Q / Q_cloud` (1 when the all-cloud score is 0: undefined).
    public var qualityRatio: Double
    /// The finite-sample lower confidence bound of `Q / Q_cloud` at the selection's level alpha (nil when not
    /// computed, or undefined because the cloud's score is 0 on every sample).
    public var qualityLowerBound: Double?
    /// Whether the bound clears the objective's `qualityMin`: the risk-controlled guarantee.
    public var clearsFloor: Bool
    /// `L / L_cloud` (1 when the all-cloud latency is 0).
    public var latencyRatio: Double
    /// `C / C_cloud` (1 when the all-cloud cost is 0).
    public var costRatio: Double
    /// L: the mean latency of the routed tiers, in ms.
    public var meanLatencyMs: Double
    /// C: the mean cost of the routed tiers.
    public var meanCost: Double
    /// The objective without the penalty, `Q/Q_cloud - lambda_latency L/L_cloud - lambda_cost C/C_cloud`.
    public var utility: Double
    /// The share of traffic per tier.
    public var shares: TierShares
}
