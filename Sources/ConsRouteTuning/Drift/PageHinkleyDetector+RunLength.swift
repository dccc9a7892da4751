extension PageHinkleyDetector {
    /// Siegmund's approximation of a one-sided CUSUM's mean run length between false alarms, for Gaussian
    /// values in standard-deviation units: `ARL₀ ≈ (e^{2kb} − 2kb − 1) / (2k²)`, `b = h + 1.166`
    /// (Siegmund, *Sequential Analysis*, 1985). The per-value false-alarm rate of one side is about `1 / ARL₀`.
    /// - Parameters:
    ///   - slack: the reference value k (δ of a standardized detector), ≥ 0; at 0 the limit `b²` is returned.
    ///   - threshold: the decision limit h (λ of a standardized detector), ≥ 0.
    /// - Returns: the expected number of values between false alarms of one side.
    public static func averageRunLengthWithoutChange(slack: Double, threshold: Double) -> Double {
        let shifted = threshold + 1.166
        guard slack > 1e-9 else { return shifted * shifted }
        let exponent = 2 * slack * shifted
        return (DriftMath.exp(exponent) - exponent - 1) / (2 * slack * slack)
    }

    /// The approximate number of false alarms per value of a `standardized`, unfaded detector on Gaussian values
    /// (both sides counted when ``Direction/both``).
    public var falseAlarmRatePerValue: Double {
        let sides: Double = configuration.direction == .both ? 2 : 1
        return sides
            / Self.averageRunLengthWithoutChange(slack: configuration.slack, threshold: configuration.threshold)
    }
}
