public import ConsRouteModel

/// The candidate routing policies of one tuning, ordered from the safest to the most aggressive: what
/// ``RiskControlledSelection`` tests in that order on held-out samples.
public struct AllocationFamily: Sendable {
    /// Member `m`'s thresholds for stratum `s` at `members[m][s]` (fixed strata keep their thresholds).
    public var members: [[ThresholdPair]]
    /// What indexes each member: the quality multiplier mu of the fleet constraint (`.infinity` for the
    /// most-quality member), or the per-cluster quality-ratio target of the cluster constraint.
    public var levels: [Double]
    /// The shrinkage `n0` used (pseudo-samples of the pooled fleet added to every cluster).
    public var priorSampleCount: Double
    /// The fleet's all-cloud mean score, latency and cost under the current traffic mix: the objective's
    /// normalisers (a metric whose all-cloud mean is 0 is normalised by 1).
    public var reference: SIMD4<Double>
}
