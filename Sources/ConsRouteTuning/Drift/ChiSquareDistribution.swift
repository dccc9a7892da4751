/// The chi-square distribution: upper-tail probabilities and critical values, for calibrating the occupancy
/// test's threshold.
///
/// The upper tail is the regularized incomplete gamma function `Q(ν/2, x/2)`, computed by its power series
/// below `a + 1` and by its continued fraction (modified Lentz) above, to about 1e-14 relative accuracy.
public enum ChiSquareDistribution {
    /// `P(X > x)` for `X ~ χ²(degreesOfFreedom)`.
    /// - Parameters:
    ///   - x: the point, ≥ 0 (negative values give 1).
    ///   - degreesOfFreedom: ν ≥ 1.
    /// - Returns: the upper-tail probability.
    /// - Complexity: O(√x) iterations at most, usually a few dozen.
    public static func survival(_ x: Double, degreesOfFreedom: Int) -> Double {
        precondition(degreesOfFreedom >= 1, "chi-square needs at least one degree of freedom")
        guard x > 0 else { return 1 }
        let a = Double(degreesOfFreedom) / 2
        let z = x / 2
        let logPrefix = a * DriftMath.log(z) - z - DriftMath.logGamma(a)
        if z < a + 1 {
            return max(0, 1 - DriftMath.exp(logPrefix) * lowerSeries(a: a, z: z))
        }
        return DriftMath.exp(logPrefix) * upperContinuedFraction(a: a, z: z)
    }

    /// The critical value `x` with `P(X > x) = upperTail` for `X ~ χ²(degreesOfFreedom)`.
    /// - Parameters:
    ///   - upperTail: the tail probability, in (0, 1).
    ///   - degreesOfFreedom: ν ≥ 1.
    /// - Returns: the quantile, to a relative accuracy of about 1e-12.
    /// - Complexity: O(log(1/ε)) bisection steps on the logarithm of the tail.
    public static func criticalValue(upperTail: Double, degreesOfFreedom: Int) -> Double {
        precondition(upperTail > 0 && upperTail < 1, "the upper tail must be in (0, 1)")
        let target = DriftMath.log(upperTail)
        var low = 0.0
        var high = Double(degreesOfFreedom) + 10
        while DriftMath.log(survival(high, degreesOfFreedom: degreesOfFreedom)) > target { high *= 2 }
        for _ in 0..<200 where high - low > 1e-12 * high {
            let middle = (low + high) / 2
            if DriftMath.log(survival(middle, degreesOfFreedom: degreesOfFreedom)) > target {
                low = middle
            } else {
                high = middle
            }
        }
        return (low + high) / 2
    }

    /// `Σ z^n / (a (a+1) … (a+n))`, so that `P(a, z) = e^{−z} z^a / Γ(a) · series`.
    private static func lowerSeries(a: Double, z: Double) -> Double {
        var term = 1 / a
        var sum = term
        var denominator = a
        for _ in 0..<10_000 {
            denominator += 1
            term *= z / denominator
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum
    }

    /// The continued fraction of `Q(a, z) · Γ(a) e^{z} z^{−a}` (modified Lentz).
    private static func upperContinuedFraction(a: Double, z: Double) -> Double {
        let tiny = 1e-300
        var b = z + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for step in 1..<10_000 {
            let an = -Double(step) * (Double(step) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            fraction *= change
            if abs(change - 1) < 1e-16 { break }
        }
        return fraction
    }
}
