public import ConsRouteModel

/// The per-sample objective a canary comparison averages: the objective U of docs/design.md §6 for one shadow sample, with
/// the routed tier's score, latency and cost each taken relative to the fleet's all-cloud means (the reference),
/// without the quality penalty (a mean's term, not a sample's).
///
/// `u = q - lambda_latency * l - lambda_cost * c`, where q = score / Q_cloud, l = latency / L_cloud,
/// c = cost / C_cloud; each ratio is clipped to [0, `ratioCap`] so that u is bounded, which the sequential test
/// needs. The difference of two arms' means of u is the difference of their unpenalised U on a common reference.
public struct CanaryObjective: Sendable, Equatable {
    /// The fleet's all-cloud means that normalise a sample.
    public struct Reference: Sendable, Equatable {
        /// Mean cloud score.
        public var qualityCloud: Double
        /// Mean cloud latency, milliseconds.
        public var latencyCloudMs: Double
        /// Mean cloud cost.
        public var costCloud: Double

        /// - Parameters:
        ///   - qualityCloud: mean cloud score (1 with reranker consistency).
        ///   - latencyCloudMs: mean cloud latency.
        ///   - costCloud: mean cloud cost.
        public init(qualityCloud: Double, latencyCloudMs: Double, costCloud: Double) {
            self.qualityCloud = qualityCloud
            self.latencyCloudMs = latencyCloudMs
            self.costCloud = costCloud
        }

        /// The all-cloud means of `samples`; nil when there are none.
        public init?(samples: [ShadowOutcome]) {
            guard !samples.isEmpty else { return nil }
            let n = Double(samples.count)
            qualityCloud = samples.reduce(0.0) { $0 + Double($1.score.cloud) } / n
            latencyCloudMs = samples.reduce(0.0) { $0 + Double($1.latencyMs.cloud) } / n
            costCloud = samples.reduce(0.0) { $0 + Double($1.cost.cloud) } / n
        }
    }

    /// The largest value a clipped ratio takes.
    public static let ratioCap = 3.0

    /// The fleet's objective weights (`lambda_latency`, `lambda_cost`).
    public let weights: ObjectiveWeights
    /// The all-cloud means that normalise a sample.
    public let reference: Reference

    /// - Parameters:
    ///   - weights: the fleet's objective weights.
    ///   - reference: the all-cloud means.
    public init(weights: ObjectiveWeights, reference: Reference) {
        self.weights = weights
        self.reference = reference
    }

    /// The values u can take: from every ratio at the cap with no quality, to full quality at no latency or cost.
    public var bounds: ClosedRange<Double> {
        let low = -Self.ratioCap * (weights.lambdaLatency + weights.lambdaCost)
        let high = reference.qualityCloud > 0 ? min(Self.ratioCap, 1 / reference.qualityCloud) : 0
        return low...high
    }

    /// u for a shadow sample served by `tier`.
    ///
    /// - Parameters:
    ///   - outcome: the sample's per-tier scores, latencies and costs.
    ///   - tier: the tier the query was routed to.
    public func value(_ outcome: ShadowOutcome, servedBy tier: Tier) -> Double {
        let quality = Self.ratio(Double(outcome.score[tier]), reference.qualityCloud)
        let latency = Self.ratio(Double(outcome.latencyMs[tier]), reference.latencyCloudMs)
        let cost = Self.ratio(Double(outcome.cost[tier]), reference.costCloud)
        let value = quality - weights.lambdaLatency * latency - weights.lambdaCost * cost
        return min(max(value, bounds.lowerBound), bounds.upperBound)
    }

    /// `value / reference` clipped to [0, cap]; 0 when the reference is 0 (nothing to compare against).
    private static func ratio(_ value: Double, _ reference: Double) -> Double {
        guard reference > 0 else { return 0 }
        return min(max(value / reference, 0), ratioCap)
    }
}
