/// The weights of the threshold objective of docs/design.md §6.
///
/// `U = Q/Q_cloud - lambdaLatency * L/L_cloud - lambdaCost * C/C_cloud - penalty * max(0, qualityMin - Q/Q_cloud)`,
/// where Q, L, C are the mean score, latency and cost of the routed tiers and the `_cloud` values
/// the same means when everything goes to the cloud.
public struct ObjectiveWeights: Sendable, Hashable, Codable {
    /// Weight of the latency ratio (default 0.3).
    public var lambdaLatency: Double
    /// Weight of the cost ratio (default 0.3).
    public var lambdaCost: Double
    /// The quality ratio below which the penalty applies (default 0.95).
    public var qualityMin: Double
    /// Slope of the penalty per unit of quality ratio below `qualityMin` (default 10).
    public var penalty: Double

    /// Creates objective weights; the defaults are the docs/design.md §6 defaults.
    /// - Parameters:
    ///   - lambdaLatency: weight of the latency ratio, >= 0.
    ///   - lambdaCost: weight of the cost ratio, >= 0.
    ///   - qualityMin: the quality-ratio floor, >= 0.
    ///   - penalty: the penalty slope, >= 0.
    /// - Throws: ``ThresholdTuningError/invalidSetting(name:value:allowed:)`` naming the first
    ///   weight that is negative or not finite.
    public init(lambdaLatency: Double = 0.3, lambdaCost: Double = 0.3, qualityMin: Double = 0.95, penalty: Double = 10)
        throws
    {
        for (name, value) in [
            ("lambdaLatency", lambdaLatency), ("lambdaCost", lambdaCost), ("qualityMin", qualityMin),
            ("penalty", penalty),
        ] where !(value.isFinite && value >= 0) {
            throw ThresholdTuningError.invalidSetting(name: name, value: value, allowed: "a finite number >= 0")
        }
        self.lambdaLatency = lambdaLatency
        self.lambdaCost = lambdaCost
        self.qualityMin = qualityMin
        self.penalty = penalty
    }

    /// The docs/design.md §6 defaults: 0.3, 0.3, 0.95, 10.
    public static let standard = ObjectiveWeights(checked: 0.3, 0.3, 0.95, 10)

    private init(checked lambdaLatency: Double, _ lambdaCost: Double, _ qualityMin: Double, _ penalty: Double) {
        self.lambdaLatency = lambdaLatency
        self.lambdaCost = lambdaCost
        self.qualityMin = qualityMin
        self.penalty = penalty
    }

    /// The objective without the quality penalty: `q - lambdaLatency * l - lambdaCost * c`.
    /// - Parameters:
    ///   - qualityRatio: `Q / Q_cloud`.
    ///   - latencyRatio: `L / L_cloud`.
    ///   - costRatio: `C / C_cloud`.
    @inline(__always)
    public func unpenalizedUtility(qualityRatio: Double, latencyRatio: Double, costRatio: Double) -> Double {
        qualityRatio - lambdaLatency * latencyRatio - lambdaCost * costRatio
    }

    /// The objective U of docs/design.md §6.
    /// - Parameters:
    ///   - qualityRatio: `Q / Q_cloud`.
    ///   - latencyRatio: `L / L_cloud`.
    ///   - costRatio: `C / C_cloud`.
    @inline(__always)
    public func utility(qualityRatio: Double, latencyRatio: Double, costRatio: Double) -> Double {
        unpenalizedUtility(qualityRatio: qualityRatio, latencyRatio: latencyRatio, costRatio: costRatio)
            - penalty * max(0, qualityMin - qualityRatio)
    }
}
