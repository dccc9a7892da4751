public import ConsRouteModel

/// The exact engine: the objective at every pair of a threshold grid, by 2-D prefix sums
/// (``ThresholdCellSums``). U is then evaluated in `Double` at all `G²` cells. With full-information shadow samples the
/// result is exact on the grid: no sampling, no model.
public struct ExactSweepOptimizer: ThresholdOptimizer {
    /// The grid swept (default: the W3 grid of 201 values per axis).
    public let grid: ThresholdGrid

    /// `"exact-sweep"`.
    public var name: String { "exact-sweep" }

    /// Creates the sweep.
    /// - Parameter grid: the grid to sweep.
    public init(grid: ThresholdGrid = .w3) {
        self.grid = grid
    }

    /// The grid optimum (the middle of its plateau, ``UtilitySurface/bestCell()``).
    /// `warmStart` is ignored: the sweep is exhaustive.
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)``, ``ThresholdTuningError/zeroCloudReference(metric:)``.
    /// - Complexity: O(n + G²) for a grid of G values per axis.
    public func optimize(
        _ samples: ShadowSamples,
        weights: ObjectiveWeights,
        warmStart: [ThresholdTrial]
    ) throws -> ThresholdOptimization {
        let surface = try surface(samples, weights: weights)
        let cell = surface.bestCell()
        let pair = ThresholdPair(device: grid.device(cell.row), edge: grid.edge(cell.column))
        let outcome = try PolicyEvaluator.evaluate(pair, on: samples)
        let utility = outcome.utility(weights)
        return ThresholdOptimization(
            engine: name,
            pair: pair,
            utility: utility,
            outcome: outcome,
            trials: [ThresholdTrial(pair: pair, utility: utility, qualityRatio: outcome.qualityRatio)]
        )
    }

    /// The objective at every grid pair, normalised by these samples' own all-cloud means.
    /// - Parameters:
    ///   - samples: the cluster's shadow samples.
    ///   - weights: the objective weights.
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)``, ``ThresholdTuningError/zeroCloudReference(metric:)``.
    /// - Complexity: O(n + G²).
    public func surface(_ samples: ShadowSamples, weights: ObjectiveWeights) throws -> UtilitySurface {
        try samples.requireNonEmpty("the exact sweep")
        let sums = ThresholdCellSums(samples, grid: grid)
        for (metric, total) in zip(["score", "latency", "cost"], [sums.cloud.x, sums.cloud.y, sums.cloud.z])
        where total <= 0 {
            throw ThresholdTuningError.zeroCloudReference(metric: metric)
        }
        // Means first, then ratios: the same arithmetic as the W3 peers, so the optimum is bit-identical.
        let count = Double(sums.count)
        let cloudMean = sums.cloud / count
        let values = sums.totals.map { routed in
            let mean = routed / count
            return weights.utility(
                qualityRatio: mean.x / cloudMean.x,
                latencyRatio: mean.y / cloudMean.y,
                costRatio: mean.z / cloudMean.z
            )
        }
        return UtilitySurface(grid: grid, values: values)
    }
}
