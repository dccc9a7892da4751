/// What a detector reports when it signals a change: the test statistic that crossed its threshold.
///
/// The meaning of the three numbers depends on the detector:
/// - ``ADWINDetector``: `statistic` is |mean(W0) − mean(W1)| at the first significant cut, `threshold` the
///   cut's ε, `windowLength` the width of the adaptive window before it was shrunk.
/// - ``PageHinkleyDetector``: `statistic` is the cumulative deviation from its extremum, `threshold` λ,
///   `windowLength` the number of values since the last reset.
/// - ``OccupancyDriftTest``: `statistic` is the chi-square homogeneity statistic of the window against the
///   reference, `threshold` its calibrated critical value, `windowLength` the window that fired.
public struct DriftDetection: Equatable, Sendable {
    /// The test statistic at the time of the detection.
    public var statistic: Double
    /// The critical value the statistic exceeded.
    public var threshold: Double
    /// How many observations the statistic was computed over (see the type's summary).
    public var windowLength: Int

    /// Creates a detection record.
    /// - Parameters:
    ///   - statistic: the test statistic.
    ///   - threshold: the critical value it exceeded.
    ///   - windowLength: the number of observations behind the statistic.
    public init(statistic: Double, threshold: Double, windowLength: Int) {
        self.statistic = statistic
        self.threshold = threshold
        self.windowLength = windowLength
    }
}
