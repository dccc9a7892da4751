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
    ///   - shares: each stratum's weight in the mean.
    ///   - alpha: the error probability, in (0, 1).
    ///   - worstVariance: the variance assumed for a stratum with one sample.
    public static func stratifiedNormalLowerBound(
        means: [Double],
        variances: [Double],
        counts: [Int],
        shares: [Double],
        alpha: Double,
        worstVariance: Double
    ) -> Double {
        var mean = 0.0
        var variance = 0.0
        for s in means.indices where counts[s] > 0 {
            mean += shares[s] * means[s]
            let v = counts[s] >= 2 ? variances[s] : worstVariance
            variance += shares[s] * shares[s] * v / Double(counts[s])
        }
        return mean - standardNormalQuantile(1 - alpha) * variance.squareRoot()
    }

    /// The standard normal quantile `Phi^-1(p)` for p in (0, 1): Acklam's rational approximation (relative error
    /// below 1.2e-9), refined by one Halley step on `erfc`.
    public static func standardNormalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "p must be in (0, 1)")
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
