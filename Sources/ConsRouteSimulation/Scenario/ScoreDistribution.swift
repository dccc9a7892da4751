import ConsRouteModel
import ConsRouteTuning

/// The distribution of one tier's true consistency score on a topic, in [0, 1].
public enum ScoreDistribution: Sendable, Equatable {
    /// `{beta: [a, b]}`: Beta(a, b), mean a / (a + b).
    case beta(a: Double, b: Double)
    /// `{mean: m, sd: s}`: N(m, s²) clamped to [0, 1].
    case clampedNormal(mean: Double, sd: Double)

    /// The distribution's nominal mean (of the Beta, or the normal before clamping).
    public var mean: Double {
        switch self {
        case .beta(let a, let b): a / (a + b)
        case .clampedNormal(let mean, _): mean
        }
    }

    /// One score.
    ///
    /// - Complexity: O(1) expected (Marsaglia–Tsang rejection for the Beta's gamma variates).
    func sample(using generator: inout SeededGenerator) -> Double {
        switch self {
        case .beta(let a, let b):
            let x = generator.nextGamma(shape: a)
            let y = generator.nextGamma(shape: b)
            return x + y > 0 ? x / (x + y) : 0.5
        case .clampedNormal(let mean, let sd):
            return min(1, max(0, mean + sd * generator.nextGaussian()))
        }
    }
}
