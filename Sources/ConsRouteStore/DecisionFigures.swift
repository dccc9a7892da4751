/// A table's predicted figures on the shadow samples a tuning checked it on: the candidate's, or the table in
/// force's on the same samples (those of them taken since it was published, when there are enough: it may have been
/// built on the older ones), so a decision can be read as "why this table and not the other one".
public struct DecisionFigures: Sendable, Hashable {
    /// Q / Q(all-cloud), point estimate.
    public var qualityRatio: Double
    /// Its finite-sample lower confidence bound at the decision's alpha (nil when undefined).
    public var qualityLowerBound: Double?
    /// L / L(all-cloud).
    public var latencyRatio: Double
    /// C / C(all-cloud).
    public var costRatio: Double
    /// The objective without the penalty.
    public var objective: Double

    public init(
        qualityRatio: Double,
        qualityLowerBound: Double?,
        latencyRatio: Double,
        costRatio: Double,
        objective: Double
    ) {
        self.qualityRatio = qualityRatio
        self.qualityLowerBound = qualityLowerBound
        self.latencyRatio = latencyRatio
        self.costRatio = costRatio
        self.objective = objective
    }
}
