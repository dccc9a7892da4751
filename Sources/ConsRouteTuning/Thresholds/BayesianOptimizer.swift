public import ConsRouteModel

/// The Bayesian-optimisation engine: Gaussian-process surrogates and constrained expected improvement.
///
/// The search runs in the unit square of prediction quantiles (``QuantileWarping``). Each
/// evaluation is exact on the shadow samples and yields both the unpenalised objective
/// `U0 = Q/Q_cloud - λ_L L/L_cloud - λ_C C/C_cloud` and the quality ratio; each gets its own
/// Matérn-5/2 GP with fitted length scales, and the next point maximises
/// ``ConstrainedExpectedImprovement`` (EI on `U0` over the best penalised U so far, times the
/// probability that the quality ratio clears `qualityMin`) over random and local candidates.
/// Modelling the two smooth parts separately avoids fitting one GP across the penalty's cliff.
///
/// The initial design is the previous run's best trials (warm start, re-evaluated on the current
/// samples) topped up with a maximin Latin hypercube. The result is the best evaluated pair, so it
/// is never worse than the initial design. The run is deterministic for a given seed.
public struct BayesianOptimizer: ThresholdOptimizer {
    /// The settings.
    public let configuration: BayesianOptimizerConfiguration

    /// `"gp-bo"`.
    public var name: String { "gp-bo" }

    /// Creates the engine.
    /// - Parameter configuration: the settings (defaults: 40 evaluations, 10 initial points).
    public init(configuration: BayesianOptimizerConfiguration) {
        self.configuration = configuration
    }

    /// Creates the engine with the default settings and the given seed.
    /// - Parameter seed: the random seed.
    public init(seed: UInt64 = 0) {
        self.configuration = .defaults(seed: seed)
    }

    /// Chooses thresholds within the evaluation budget.
    ///
    /// Stops early when every distinct routing of the samples has been evaluated (tiny clusters).
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)``, ``ThresholdTuningError/zeroCloudReference(metric:)``.
    /// - Complexity: O(E · (n + E³ + C E²)) for E evaluations, n samples and C candidates per step.
    public func optimize(
        _ samples: ShadowSamples,
        weights: ObjectiveWeights,
        warmStart: [ThresholdTrial]
    ) throws -> ThresholdOptimization {
        try samples.requireNonEmpty("Bayesian optimisation")
        let warping = QuantileWarping(samples)
        var observations = BayesianObservations(samples: samples, weights: weights, warping: warping)
        var generator = SeededGenerator(seed: configuration.seed)

        let reused = warmStart.sorted { $0.utility > $1.utility }.prefix(configuration.warmStartCount)
        for trial in reused { try observations.evaluate(warping.cuts(of: trial.pair)) }
        let design = LatinHypercubeDesign.maximin(
            count: configuration.initialDesignCount - reused.count,
            dimension: 2,
            using: &generator
        )
        for point in design { try observations.evaluate(warping.cuts(point)) }

        var objectiveModel: GaussianProcess?
        var qualityModel: GaussianProcess?
        while observations.count < configuration.evaluations {
            let objective = try GaussianProcess.fitted(
                inputs: observations.inputs,
                targets: observations.unpenalizedUtilities,
                start: objectiveModel
            )
            let quality = try GaussianProcess.fitted(
                inputs: observations.inputs,
                targets: observations.qualityRatios,
                start: qualityModel
            )
            (objectiveModel, qualityModel) = (objective, quality)
            guard
                let next = nextCuts(
                    objective: objective,
                    quality: quality,
                    observations: observations,
                    qualityMin: weights.qualityMin,
                    using: &generator
                )
            else { break }
            try observations.evaluate(next)
        }
        guard let best = observations.best else {
            throw ThresholdTuningError.emptySamples(context: "Bayesian optimisation's initial design")
        }
        return ThresholdOptimization(
            engine: name,
            pair: best.trial.pair,
            utility: best.trial.utility,
            outcome: best.outcome,
            trials: observations.trials
        )
    }
}
