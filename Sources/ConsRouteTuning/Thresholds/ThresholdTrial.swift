public import ConsRouteModel

/// One evaluated threshold pair of an optimiser run, as the controller stores it in history.
public struct ThresholdTrial: Sendable, Hashable, Codable {
    /// The evaluated thresholds.
    public var pair: ThresholdPair
    /// The objective U at `pair` on the run's training samples.
    public var utility: Double
    /// The quality ratio Q / Q_cloud at `pair` (what the quality constraint is checked on).
    public var qualityRatio: Double

    /// Creates a trial.
    /// - Parameters:
    ///   - pair: the evaluated thresholds.
    ///   - utility: the objective U at `pair`.
    ///   - qualityRatio: the quality ratio at `pair`.
    public init(pair: ThresholdPair, utility: Double, qualityRatio: Double) {
        self.pair = pair
        self.utility = utility
        self.qualityRatio = qualityRatio
    }
}
