import ConsRouteModel

/// The evaluated points of one Bayesian-optimisation run, deduplicated by the routing they produce.
struct BayesianObservations {
    private let samples: ShadowSamples
    private let weights: ObjectiveWeights
    private let warping: QuantileWarping
    private var seen: Set<Int> = []

    /// Surrogate inputs (cut-cell centres in the unit square).
    private(set) var inputs: [[Double]] = []
    /// The unpenalised objective at each input.
    private(set) var unpenalizedUtilities: [Double] = []
    /// The quality ratio at each input.
    private(set) var qualityRatios: [Double] = []
    /// The trials, in evaluation order.
    private(set) var trials: [ThresholdTrial] = []
    /// The best trial so far (highest U; the earliest on ties) and its outcome.
    private(set) var best: (trial: ThresholdTrial, outcome: PolicyOutcome)?

    init(samples: ShadowSamples, weights: ObjectiveWeights, warping: QuantileWarping) {
        self.samples = samples
        self.weights = weights
        self.warping = warping
    }

    /// The number of distinct evaluations.
    var count: Int { trials.count }

    /// The best penalised U so far (−∞ before the first evaluation).
    var bestUtility: Double { best?.trial.utility ?? -.infinity }

    /// Whether a cut pair was already evaluated.
    func contains(_ cuts: (device: Int, edge: Int)) -> Bool {
        seen.contains(cuts.device * warping.cutCount + cuts.edge)
    }

    /// Every distinct cut pair has been evaluated.
    var isExhausted: Bool { seen.count >= warping.cutCount * warping.cutCount }

    /// Evaluates a cut pair exactly unless it was evaluated before.
    /// - Throws: the errors of ``PolicyEvaluator/evaluate(_:on:)``.
    mutating func evaluate(_ cuts: (device: Int, edge: Int)) throws {
        guard seen.insert(cuts.device * warping.cutCount + cuts.edge).inserted else { return }
        let pair = warping.pair(cuts)
        let outcome = try PolicyEvaluator.evaluate(pair, on: samples)
        let trial = ThresholdTrial(pair: pair, utility: outcome.utility(weights), qualityRatio: outcome.qualityRatio)
        inputs.append(warping.point(cuts))
        unpenalizedUtilities.append(
            weights.unpenalizedUtility(
                qualityRatio: outcome.qualityRatio,
                latencyRatio: outcome.latencyRatio,
                costRatio: outcome.costRatio
            )
        )
        qualityRatios.append(outcome.qualityRatio)
        trials.append(trial)
        if trial.utility > bestUtility { best = (trial, outcome) }
    }

    /// The first unevaluated cut pair in row-major order; found within `count + 1` probes.
    func firstUnevaluated() -> (device: Int, edge: Int)? {
        let side = warping.cutCount
        for index in 0..<(side * side) where !seen.contains(index) { return (index / side, index % side) }
        return nil
    }

    /// The inputs of the `k` best trials by U.
    func bestInputs(_ k: Int) -> [[Double]] {
        trials.indices.sorted { trials[$0].utility > trials[$1].utility }.prefix(k).map { inputs[$0] }
    }

    /// The cut pair of a unit-square point.
    func cuts(_ uDevice: Double, _ uEdge: Double) -> (device: Int, edge: Int) { warping.cuts(uDevice, uEdge) }
}
