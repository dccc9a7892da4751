public import ConsRouteModel

/// Tunes every cluster of a fleet: held-out split, engine run, shrinkage toward the pooled optimum.
///
/// Per cluster, the shadow samples are split at random into a training part (the engine chooses
/// on it) and a held-out part (the result is reported on it, the basis of the guardrail
/// "predicted quality ratio >= q_min on held-out samples", docs/design.md §6). The engine also runs on
/// the fleet's pooled training samples; each cluster's optimum is shrunk toward that pooled
/// optimum by ``FleetShrinkage``, and a cluster without samples gets the pooled thresholds.
public struct FleetThresholdTuner: Sendable {
    /// The engine.
    public var optimizer: any ThresholdOptimizer
    /// The objective weights.
    public var weights: ObjectiveWeights
    /// The shrinkage rule.
    public var shrinkage: FleetShrinkage
    /// The share of each cluster's samples held out (default 0.3).
    public var holdoutFraction: Double
    /// The seed of the random splits.
    public var seed: UInt64

    /// Creates a tuner.
    /// - Parameters:
    ///   - optimizer: the engine.
    ///   - weights: the objective weights.
    ///   - shrinkage: the shrinkage rule.
    ///   - holdoutFraction: the share of samples held out, in [0, 1).
    ///   - seed: the seed of the random splits.
    /// - Throws: ``ThresholdTuningError/invalidSetting(name:value:allowed:)`` for a fraction outside [0, 1).
    public init(
        optimizer: any ThresholdOptimizer,
        weights: ObjectiveWeights = .standard,
        shrinkage: FleetShrinkage,
        holdoutFraction: Double = 0.3,
        seed: UInt64 = 0
    ) throws {
        guard holdoutFraction >= 0, holdoutFraction < 1 else {
            throw ThresholdTuningError.invalidSetting(
                name: "holdoutFraction",
                value: holdoutFraction,
                allowed: "[0, 1)"
            )
        }
        self.optimizer = optimizer
        self.weights = weights
        self.shrinkage = shrinkage
        self.holdoutFraction = holdoutFraction
        self.seed = seed
    }

    /// Tunes all clusters.
    /// - Parameters:
    ///   - clusters: each cluster's shadow samples; empty clusters are allowed.
    ///   - warmStarts: the previous run's trials per cluster (missing entries mean none).
    /// - Returns: the pooled optimum and one result per cluster, in input order.
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)`` when the whole fleet has no
    ///   samples, and the engine's errors.
    /// - Complexity: one engine run per non-empty cluster plus one on the pooled samples.
    public func tune(_ clusters: [ShadowSamples], warmStarts: [[ThresholdTrial]] = []) throws -> FleetTuning {
        let splits = try splits(clusters)
        let fleet = ShadowSamples.pooled(splits.map(\.training))
        guard !fleet.isEmpty else { throw ThresholdTuningError.emptySamples(context: "the fleet") }
        let pooled = try optimizer.optimize(fleet, weights: weights, warmStart: [])
        let results = try splits.enumerated().map { cluster, split in
            let optimization =
                split.training.isEmpty
                ? nil
                : try optimizer.optimize(
                    split.training,
                    weights: weights,
                    warmStart: cluster < warmStarts.count ? warmStarts[cluster] : []
                )
            let own = optimization?.pair ?? pooled.pair
            let pair = shrinkage.shrink(own, sampleCount: split.training.count, toward: pooled.pair)
            let holdout = split.holdout.isEmpty ? nil : try PolicyEvaluator.evaluate(pair, on: split.holdout)
            return ClusterTuning(
                cluster: cluster,
                pair: pair,
                optimization: optimization,
                shrinkageWeight: shrinkage.weight(sampleCount: split.training.count),
                trainingCount: split.training.count,
                holdout: holdout,
                holdoutUtility: holdout?.utility(weights)
            )
        }
        return FleetTuning(pooled: pooled, clusters: results)
    }

    /// The training and held-out parts of each cluster that ``tune(_:warmStarts:)`` uses.
    /// - Parameter clusters: each cluster's shadow samples.
    /// - Complexity: O(total samples).
    public func splits(_ clusters: [ShadowSamples]) throws -> [(training: ShadowSamples, holdout: ShadowSamples)] {
        var generator = SeededGenerator(seed: seed)
        return try clusters.map { try $0.split(holdoutFraction: holdoutFraction, using: &generator) }
    }
}
