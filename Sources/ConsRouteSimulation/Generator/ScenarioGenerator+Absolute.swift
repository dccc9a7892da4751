import ConsRouteModel
import ConsRouteTuning
import Foundation

/// Absolute-quality mode (`scores_mode: absolute`): every tier is right (1) or wrong (0), the cloud too.
///
/// Per query a Gaussian copula correlates the tiers: a shared latent u ~ N(0, 1) and per tier e_t ~ N(0, 1) give
/// z_t = √ρ·u + √(1 − ρ)·e_t, and tier t is right when z_t < Φ⁻¹(a_t), a_t the topic's accuracy on t (so the
/// marginal accuracy is a_t exactly; ρ = `tier_correlation`). The router head sees the margin m_t = c_t − z_t, with
/// c_t = Φ⁻¹ of the accuracy it was trained on, through noise: m̂_t = m_t + σ_h·η; it does not know the topic. It
/// outputs P(m_t > 0 | m̂_t) under the fleet-wide prior m_t ~ N(μ_t, V_t) fitted to the topics' initial mixture,
/// so it looks calibrated over the fleet, and ranks queries by m̂_t: σ_h = `head_noise` sets its AUC.
struct AbsoluteQualityModel: Sendable {
    /// Per topic and tier: Φ⁻¹ of the true accuracy (quality drops change it).
    var cut: [[Double]]
    /// Per topic and tier: Φ⁻¹ of the accuracy the router head was trained on.
    var believedCut: [[Double]]
    /// Per tier (device, edge): the head's prior mean of the margin.
    var priorMean: [Double]
    /// Per tier (device, edge): the head's prior variance of the margin (1 + the cuts' variance over topics).
    var priorVariance: [Double]

    /// Φ⁻¹ of an accuracy, kept finite: |cut| ≤ 8.3 makes 0 and 1 exact up to 1e-16.
    static func cut(_ accuracy: Double) -> Double {
        min(8.3, max(-8.3, StandardNormal.quantile(accuracy)))
    }

    /// The model of an absolute-mode scenario (nil in consistency mode).
    init?(scenario: Scenario) {
        var cuts: [[Double]] = []
        for topic in scenario.topics {
            guard case .absolute(let accuracy) = topic.quality else { return nil }
            cuts.append(accuracy.map(Self.cut))
        }
        cut = cuts
        believedCut = cuts
        let total = scenario.topics.reduce(0) { $0 + $1.weight }
        var means: [Double] = []
        var variances: [Double] = []
        for tier in 0..<2 {
            var mean = 0.0
            for (topic, topicCuts) in zip(scenario.topics, cuts) { mean += topic.weight / total * topicCuts[tier] }
            var variance = 1.0
            for (topic, topicCuts) in zip(scenario.topics, cuts) {
                variance += topic.weight / total * (topicCuts[tier] - mean) * (topicCuts[tier] - mean)
            }
            means.append(mean)
            variances.append(variance)
        }
        priorMean = means
        priorVariance = variances
    }

    /// The head's probability that the tier is right, given its noisy margin `observed`, clamped to [0, 0.999].
    func prediction(observed: Double, tier: Int, headNoise: Double) -> Float {
        let probability: Double
        if headNoise == 0 {
            probability = observed > 0 ? 1 : 0
        } else {
            let prior = priorVariance[tier]
            let noise = headNoise * headNoise
            let mean = (priorMean[tier] * noise + prior * observed) / (prior + noise)
            let sd = (prior * noise / (prior + noise)).squareRoot()
            probability = StandardNormal.cdf(mean / sd)
        }
        return Float(min(ScenarioGenerator.highestPrediction, max(0, probability)))
    }
}

extension ScenarioGenerator {
    /// One query's 0/1 scores on the three tiers and the router head's p_device and p_edge.
    ///
    /// Draws, in order: u, then per tier e_t and (device and edge) the head's η_t.
    /// - Complexity: O(1).
    mutating func absoluteOutcome(topic: Int) -> (score: TierValues, pDevice: Float, pEdge: Float) {
        guard let model = absolute else { preconditionFailure("absolute outcome in consistency mode") }
        let rho = scenario.tierCorrelation
        let shared = rho.squareRoot() * generator.nextGaussian()
        let own = (1 - rho).squareRoot()
        var score = TierValues(device: 0, edge: 0, cloud: 0)
        var predicted: [Float] = [0, 0]
        for tier in Tier.allCases {
            let z = shared + own * generator.nextGaussian()
            score[tier] = z < model.cut[topic][tier.rawValue] ? 1 : 0
            guard tier != .cloud else { continue }
            let observed = model.believedCut[topic][tier.rawValue] - z + scenario.headNoise * generator.nextGaussian()
            predicted[tier.rawValue] = model.prediction(
                observed: observed,
                tier: tier.rawValue,
                headNoise: scenario.headNoise
            )
        }
        return (score, predicted[0], predicted[1])
    }
}
