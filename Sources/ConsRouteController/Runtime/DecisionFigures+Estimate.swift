package import ConsRouteStore
package import ConsRouteTuning

extension DecisionFigures {
    /// A policy's estimated figures as history keeps them.
    package init(_ estimate: PolicyEstimate) {
        self.init(
            qualityRatio: estimate.qualityRatio,
            qualityLowerBound: estimate.qualityLowerBound,
            latencyRatio: estimate.latencyRatio,
            costRatio: estimate.costRatio,
            objective: estimate.utility
        )
    }
}
