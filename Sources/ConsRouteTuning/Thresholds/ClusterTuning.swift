public import ConsRouteModel

/// The tuning result of one cluster: the published thresholds and how they were reached.
public struct ClusterTuning: Sendable, Hashable {
    /// The cluster's index in the tuner's input.
    public var cluster: Int
    /// The thresholds to publish: the engine's optimum shrunk toward the fleet's pooled thresholds.
    public var pair: ThresholdPair
    /// The engine's run on the cluster's training samples; nil for a cluster without samples.
    public var optimization: ThresholdOptimization?
    /// `w`, the weight kept on the cluster's own optimum (``FleetShrinkage/weight(sampleCount:)``).
    public var shrinkageWeight: Double
    /// The number of training samples.
    public var trainingCount: Int
    /// The outcome of `pair` on the held-out samples; nil when none were held out.
    public var holdout: PolicyOutcome?
    /// U of `pair` on the held-out samples; nil when none were held out.
    public var holdoutUtility: Double?

    /// Creates a cluster result.
    /// - Parameters:
    ///   - cluster: the cluster index.
    ///   - pair: the thresholds to publish.
    ///   - optimization: the engine's run, nil for an empty cluster.
    ///   - shrinkageWeight: the weight kept on the cluster's own optimum.
    ///   - trainingCount: the number of training samples.
    ///   - holdout: the held-out outcome, if any.
    ///   - holdoutUtility: the held-out U, if any.
    public init(
        cluster: Int,
        pair: ThresholdPair,
        optimization: ThresholdOptimization?,
        shrinkageWeight: Double,
        trainingCount: Int,
        holdout: PolicyOutcome?,
        holdoutUtility: Double?
    ) {
        self.cluster = cluster
        self.pair = pair
        self.optimization = optimization
        self.shrinkageWeight = shrinkageWeight
        self.trainingCount = trainingCount
        self.holdout = holdout
        self.holdoutUtility = holdoutUtility
    }
}
