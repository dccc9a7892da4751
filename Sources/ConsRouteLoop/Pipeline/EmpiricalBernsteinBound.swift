import Foundation

/// An anytime-valid confidence sequence for the mean of i.i.d. values in a known interval of width `range`.
///
/// At each sample count n >= 2 it is the empirical-Bernstein bound of Maurer & Pontil, "Empirical Bernstein
/// Bounds and Sample Variance Penalization" (COLT 2009), Theorem 4: with probability at least 1 - d,
/// `|mean - mu| <= sqrt(2 V ln(4/d) / n) + 7 range ln(4/d) / (3 (n - 1))` (two-sided: each side at d/2), where V is
/// the unbiased sample variance. A union bound over every sample count with `d_n = delta / (n (n + 1))` (which sums
/// to `delta`) makes the bound hold at all n at once with probability at least 1 - delta, so it may be looked at
/// after every sample and acted on at any time without inflating the error.
public enum EmpiricalBernsteinBound {
    /// The bound's half-width at `count` samples; the whole `range` below two samples.
    ///
    /// - Parameters:
    ///   - count: the number of samples n.
    ///   - variance: their unbiased sample variance.
    ///   - range: the width of the interval the values lie in.
    ///   - delta: the error probability of the whole sequence, in (0, 1).
    /// - Complexity: O(1).
    public static func radius(count: Int, variance: Double, range: Double, delta: Double) -> Double {
        guard count >= 2 else { return range }
        let n = Double(count)
        let logTerm = log(4 * n * (n + 1) / delta)
        let radius = (2 * max(0, variance) * logTerm / n).squareRoot() + 7 * range * logTerm / (3 * (n - 1))
        return min(radius, range)
    }
}
