import Foundation

/// Expected improvement weighted by the probability that the quality constraint holds.
///
/// With independent Gaussian posteriors for the unpenalised objective `U0 ~ N(μ_u, σ_u²)` and
/// the quality ratio `Q ~ N(μ_q, σ_q²)`, the acquisition is
/// `EI(μ_u, σ_u; best) · P(Q >= qualityMin)` (Gardner et al., 2014, "Bayesian optimization with
/// inequality constraints"), with `EI = (μ - best) Φ(z) + σ φ(z)`, `z = (μ - best) / σ` and
/// `P(Q >= qualityMin) = Φ((μ_q - qualityMin) / σ_q)`.
public enum ConstrainedExpectedImprovement {
    /// The expected improvement of a Gaussian `N(mean, standardDeviation²)` over `best` (maximising).
    /// - Parameters:
    ///   - mean: the posterior mean.
    ///   - standardDeviation: the posterior standard deviation, >= 0.
    ///   - best: the incumbent value.
    public static func expectedImprovement(mean: Double, standardDeviation: Double, best: Double) -> Double {
        let gain = mean - best
        guard standardDeviation > 1e-12 else { return max(0, gain) }
        let z = gain / standardDeviation
        return max(0, gain * normalCDF(z) + standardDeviation * normalPDF(z))
    }

    /// `P(X >= threshold)` for `X ~ N(mean, standardDeviation²)`.
    /// - Parameters:
    ///   - mean: the posterior mean.
    ///   - standardDeviation: the posterior standard deviation, >= 0.
    ///   - threshold: the lower bound.
    public static func probabilityAtLeast(_ threshold: Double, mean: Double, standardDeviation: Double) -> Double {
        guard standardDeviation > 1e-12 else { return mean >= threshold ? 1 : 0 }
        return normalCDF((mean - threshold) / standardDeviation)
    }

    /// The acquisition value: expected improvement of the objective times the probability of feasibility.
    /// - Parameters:
    ///   - objective: posterior mean and variance of the unpenalised objective.
    ///   - quality: posterior mean and variance of the quality ratio.
    ///   - best: the best objective observed so far.
    ///   - qualityMin: the quality-ratio floor.
    public static func value(
        objective: (mean: Double, variance: Double),
        quality: (mean: Double, variance: Double),
        best: Double,
        qualityMin: Double
    ) -> Double {
        expectedImprovement(mean: objective.mean, standardDeviation: objective.variance.squareRoot(), best: best)
            * probabilityAtLeast(qualityMin, mean: quality.mean, standardDeviation: quality.variance.squareRoot())
    }

    /// The standard normal cumulative distribution function.
    @inline(__always)
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// The standard normal density.
    @inline(__always)
    static func normalPDF(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }
}
