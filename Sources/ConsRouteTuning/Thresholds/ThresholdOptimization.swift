public import ConsRouteModel

/// The result of one threshold optimisation of one cluster.
public struct ThresholdOptimization: Sendable, Hashable {
    /// The name of the engine that produced it (``ThresholdOptimizer/name``).
    public var engine: String
    /// The chosen thresholds.
    public var pair: ThresholdPair
    /// The objective U at `pair` on the samples it was chosen on.
    public var utility: Double
    /// The outcome at `pair` on those samples: quality, latency and cost ratios, tier shares.
    public var outcome: PolicyOutcome
    /// Every evaluated pair, in evaluation order (the sweep reports only its optimum; its full
    /// surface is ``ExactSweepOptimizer/surface(_:weights:)``).
    public var trials: [ThresholdTrial]

    /// Creates a result.
    /// - Parameters:
    ///   - engine: the engine's name.
    ///   - pair: the chosen thresholds.
    ///   - utility: U at `pair`.
    ///   - outcome: the outcome at `pair`.
    ///   - trials: every evaluated pair.
    public init(engine: String, pair: ThresholdPair, utility: Double, outcome: PolicyOutcome, trials: [ThresholdTrial])
    {
        self.engine = engine
        self.pair = pair
        self.utility = utility
        self.outcome = outcome
        self.trials = trials
    }

    /// Q / Q_cloud at the chosen pair.
    public var qualityRatio: Double { outcome.qualityRatio }
    /// L / L_cloud at the chosen pair.
    public var latencyRatio: Double { outcome.latencyRatio }
    /// C / C_cloud at the chosen pair.
    public var costRatio: Double { outcome.costRatio }
    /// The tier shares at the chosen pair.
    public var tierShares: TierShares { outcome.tierShares }
}
