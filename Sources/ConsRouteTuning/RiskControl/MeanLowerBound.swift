#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A finite-sample, one-sided lower confidence bound for the mean of bounded values.
///
/// The predictable plug-in empirical-Bernstein bound (PrPl-EB) of Waudby-Smith & Ramdas, "Estimating means of
/// bounded random variables by betting" (JRSS B, 2023), Theorem 2, in its fixed-sample form: for values `x_i` in
/// `[low, high]` rescaled to `y_i` in [0, 1] and predictable bets
/// `lambda_i = min(sqrt(2 ln(1/alpha) / (n sigma2_{i-1})), 3/4)`,
///
/// `L = (sum lambda_i y_i - ln(1/alpha) - sum v_i psi(lambda_i)) / sum lambda_i`,
/// `v_i = 4 (y_i - mu_{i-1})^2`, `psi(l) = (-ln(1 - l) - l) / 4`,
///
/// with `mu_i = (1/2 + sum_{j<=i} y_j) / (i + 1)` and `sigma2_i = (1/4 + sum_{j<=i} (y_j - mu_j)^2) / (i + 1)`.
/// With probability at least `1 - alpha` the true mean is `>= L` (valid for any n, no normality assumed; the values
/// need only have a constant conditional mean, e.g. i.i.d.). Its width is that of Bernstein's inequality with the
/// true variance, `sqrt(2 sigma^2 ln(1/alpha) / n)`, up to lower-order terms, so it adapts to low variance (a
/// policy that sends most queries where they are answered as the cloud would has little) where Hoeffding's bound
/// would pay for the whole range. The bound depends on the order of the values: pass them in an order fixed before
/// they were seen (a seeded shuffle, or time order).
public enum MeanLowerBound {
    /// The largest bet: bets near 1 make `psi` explode.
    static let maximumBet = 0.75

    /// The lower bound of the mean of `values`, each in `[low, high]`, at level `alpha`; `low` without values.
    /// - Parameters:
    ///   - values: the observations, in an order fixed independently of their values.
    ///   - low: the smallest value an observation can take.
    ///   - high: the largest (`> low`).
    ///   - alpha: the error probability, in (0, 1).
    /// - Complexity: O(n).
    public static func lowerBound(_ values: [Double], low: Double, high: Double, alpha: Double) -> Double {
        let n = values.count
        let width = high - low
        guard n > 0, width > 0, alpha > 0, alpha < 1 else { return low }
        let logTerm = log(1 / alpha)
        let betScale = 2 * logTerm / Double(n)
        var sumY = 0.0
        var sumSquares = 0.0
        var mean = 0.5
        var variance = 0.25
        var weightedSum = 0.0
        var betSum = 0.0
        var penalty = 0.0
        for (index, x) in values.enumerated() {
            let y = min(1, max(0, (x - low) / width))
            let bet = min((betScale / variance).squareRoot(), maximumBet)
            let deviation = y - mean
            penalty += 4 * deviation * deviation * (-log(1 - bet) - bet) / 4
            weightedSum += bet * y
            betSum += bet
            sumY += y
            let i = Double(index + 1)
            mean = (0.5 + sumY) / (i + 1)
            let residual = y - mean
            sumSquares += residual * residual
            variance = (0.25 + sumSquares) / (i + 1)
        }
        let bound = (weightedSum - logTerm - penalty) / betSum
        return low + width * min(1, max(0, bound))
    }

    /// The stratified one-sided normal lower bound `sum_s w_s m_s - z_{1-alpha} sqrt(sum_s w_s^2 v_s / n_s)` of a
    /// mean over strata with known weights `w_s` (traffic shares) from each stratum's sample mean `m_s`, sample
    /// variance `v_s` and count `n_s`. A stratum with fewer than 2 samples contributes `worstVariance`. Asymptotic
    /// (central limit theorem): not valid at every n, unlike ``lowerBound(_:low:high:alpha:)``.
    /// - Parameters:
    ///   - means: each stratum's sample mean.
    ///   - variances: each stratum's unbiased sample variance.
    ///   - counts: each stratum's number of samples (> 0).
    ///   - effectiveCounts: each stratum's effective number of samples when its samples are weighted (nil: `counts`).
    ///   - shares: each stratum's weight in the mean.
    ///   - alpha: the error probability, in (0, 1).
    ///   - worstVariance: the variance assumed for a stratum with one sample.
    public static func stratifiedNormalLowerBound(
        means: [Double],
        variances: [Double],
        counts: [Int],
        effectiveCounts: [Double]? = nil,
        shares: [Double],
        alpha: Double,
        worstVariance: Double
    ) -> Double {
        var mean = 0.0
        var variance = 0.0
        for s in means.indices where counts[s] > 0 {
            mean += shares[s] * means[s]
            let v = counts[s] >= 2 ? variances[s] : worstVariance
            let n = effectiveCounts.map { max($0[s], 1) } ?? Double(counts[s])
            variance += shares[s] * shares[s] * v / n
        }
        return mean - StandardNormal.quantile(1 - alpha) * variance.squareRoot()
    }
}
