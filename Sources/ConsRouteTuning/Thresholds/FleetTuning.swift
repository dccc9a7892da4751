public import ConsRouteModel

/// The result of tuning every cluster of a fleet (``FleetThresholdTuner/tune(_:warmStarts:)``).
public struct FleetTuning: Sendable, Hashable {
    /// The engine's optimum on the fleet's pooled training samples (the shrinkage target).
    public var pooled: ThresholdOptimization
    /// One result per cluster, in input order.
    public var clusters: [ClusterTuning]

    /// Creates a fleet result.
    /// - Parameters:
    ///   - pooled: the pooled optimum.
    ///   - clusters: one result per cluster.
    public init(pooled: ThresholdOptimization, clusters: [ClusterTuning]) {
        self.pooled = pooled
        self.clusters = clusters
    }

    /// The routing policy to publish: each cluster's thresholds plus the given novel thresholds.
    /// - Parameter novelThresholds: the thresholds for novel samples (default: all to the cloud).
    public func policy(novelThresholds: ThresholdPair = .allCloud)
        -> ThresholdPolicy
    {
        ThresholdPolicy(clusterThresholds: clusters.map(\.pair), novelThresholds: novelThresholds)
    }
}
