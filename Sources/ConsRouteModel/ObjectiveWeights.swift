/// The weights of the threshold objective of docs/design.md §6 (item 5), the one type for them in the package: the
/// configuration, the tuning and the table all use it.
///
/// `U = Q/Q_cloud - lambdaLatency * L/L_cloud - lambdaCost * C/C_cloud - penalty * max(0, qualityMin - Q/Q_cloud)`,
/// where Q, L, C are the mean score, latency and cost of the routed tiers and the `_cloud` values
/// the same means when everything goes to the cloud. On the wire and in configuration files the weights are
/// `lambda_latency`, `lambda_cost`, `q_min` and `penalty`.
public struct ObjectiveWeights: Sendable, Hashable, Codable {
    /// `lambda_latency`: weight of the latency ratio (default 0.3).
    public var lambdaLatency: Double
    /// `lambda_cost`: weight of the cost ratio (default 0.3).
    public var lambdaCost: Double
    /// `q_min`: the quality ratio below which the penalty applies (default 0.95).
    public var qualityMin: Double
    /// `penalty`: slope of the penalty per unit of quality ratio below `qualityMin` (default 10).
    public var penalty: Double

    /// Creates objective weights; the defaults are the docs/design.md §6 defaults.
    /// - Parameters:
    ///   - lambdaLatency: weight of the latency ratio, >= 0.
    ///   - lambdaCost: weight of the cost ratio, >= 0.
    ///   - qualityMin: the quality-ratio floor, >= 0.
    ///   - penalty: the penalty slope, >= 0.
    /// - Throws: ``ObjectiveWeightsError/invalidSetting(name:value:allowed:)`` naming the first
    ///   weight that is negative or not finite.
    public init(lambdaLatency: Double = 0.3, lambdaCost: Double = 0.3, qualityMin: Double = 0.95, penalty: Double = 10)
        throws(ObjectiveWeightsError)
    {
        self.init(unchecked: lambdaLatency, lambdaCost, qualityMin, penalty)
        try validate()
    }

    /// The docs/design.md §6 defaults: 0.3, 0.3, 0.95, 10.
    public static let standard = ObjectiveWeights(unchecked: 0.3, 0.3, 0.95, 10)

    /// Weights taken as they are, for values already checked and for tables, which carry whatever weights they were
    /// tuned for.
    init(unchecked lambdaLatency: Double, _ lambdaCost: Double, _ qualityMin: Double, _ penalty: Double) {
        self.lambdaLatency = lambdaLatency
        self.lambdaCost = lambdaCost
        self.qualityMin = qualityMin
        self.penalty = penalty
    }

    /// Checks that every weight is finite and >= 0 (the properties are settable, so a value made valid may not stay
    /// so).
    /// - Throws: ``ObjectiveWeightsError/invalidSetting(name:value:allowed:)`` naming the first weight that is
    ///   negative or not finite.
    public func validate() throws(ObjectiveWeightsError) {
        for (name, value) in [
            ("lambdaLatency", lambdaLatency), ("lambdaCost", lambdaCost), ("qualityMin", qualityMin),
            ("penalty", penalty),
        ] where !(value.isFinite && value >= 0) {
            throw .invalidSetting(name: name, value: value, allowed: "a finite number >= 0")
        }
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

/// Why objective weights were refused.
public enum ObjectiveWeightsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A weight is out of its allowed range; `name` is the property (`lambdaLatency`, `lambdaCost`, `qualityMin`,
    /// `penalty`).
    case invalidSetting(name: String, value: Double, allowed: String)

    /// A message naming the weight and its allowed range.
    public var description: String {
        switch self {
        case let .invalidSetting(name, value, allowed):
            "setting \(name) = \(value) is invalid; allowed: \(allowed)"
        }
    }
}
