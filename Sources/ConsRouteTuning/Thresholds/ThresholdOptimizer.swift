public import ConsRouteModel

/// An engine that chooses one cluster's `(tDevice, tEdge)` to maximise the docs/design.md §6 objective.
///
/// Two engines conform: ``ExactSweepOptimizer`` (exact on a grid, prefix sums) and
/// ``BayesianOptimizer`` (Gaussian-process BO under an evaluation budget).
public protocol ThresholdOptimizer: Sendable {
    /// A short stable name for history and logs, e.g. `"exact-sweep"`.
    var name: String { get }

    /// Chooses thresholds for one cluster.
    /// - Parameters:
    ///   - samples: the cluster's training shadow samples.
    ///   - weights: the objective weights.
    ///   - warmStart: the trials of the previous run on this cluster (may be empty); engines that
    ///     cannot use them ignore them.
    /// - Returns: the chosen pair, its objective and outcome, and the evaluated trials.
    /// - Throws: ``ThresholdTuningError`` for empty samples or a zero all-cloud reference.
    func optimize(
        _ samples: ShadowSamples,
        weights: ObjectiveWeights,
        warmStart: [ThresholdTrial]
    ) throws -> ThresholdOptimization
}

extension ThresholdOptimizer {
    /// Chooses thresholds for one cluster without a warm start.
    /// - Parameters:
    ///   - samples: the cluster's training shadow samples.
    ///   - weights: the objective weights.
    /// - Throws: as ``optimize(_:weights:warmStart:)``.
    public func optimize(_ samples: ShadowSamples, weights: ObjectiveWeights = .standard) throws
        -> ThresholdOptimization
    {
        try optimize(samples, weights: weights, warmStart: [])
    }
}
