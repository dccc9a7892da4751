/// The Page-Hinkley test (Page 1954; Hinkley 1971): a CUSUM of the deviations from the running mean that
/// signals when the cumulative deviation leaves its running extremum by more than a threshold λ.
///
/// With `x̄_t` the mean since the last reset and `d_t = x_t − x̄_t` (divided by the running standard
/// deviation when `standardized`), the detector keeps `U_t = α·U_{t−1} + d_t − δ` and
/// `L_t = α·L_{t−1} + d_t + δ`, and signals an increase when `U_t − min U > λ`, a decrease when
/// `max L − L_t > λ`. After a detection it starts afresh, so each detection is one alarm.
///
/// **False-alarm rate.** For `standardized` Gaussian values (`α = 1`), each side is a CUSUM with reference
/// value `k = δ` and limit `h = λ` in standard-deviation units; Siegmund's approximation gives its mean run
/// length between false alarms, ``averageRunLengthWithoutChange(slack:threshold:)``, so a one-sided test
/// raises about `1 / ARL₀` false alarms per value (twice that for `.both`). Example: `δ = 0.25, λ = 32`
/// gives ARL₀ ≈ 1.3·10⁸ per side; the tests check the approximation on Gaussian values (within 15%).
/// Heavy-tailed values raise the upward rate: on the benchmark's right-skewed normalised squared distance
/// the defaults raised 0 alarms in 1.4·10⁶ stationary values. Without
/// standardisation, δ and λ are in the signal's own units and the same formula applies with `δ/σ`, `λ/σ`.
/// River's defaults (`δ = 0.005, λ = 50, α = 0.9999`, raw units) are far less conservative: 26 alarms in
/// 1,000,000 stationary values of the benchmark's normalised squared distance.
/// Non-finite values are ignored and counted in ``ignoredCount``.
public struct PageHinkleyDetector: Sendable {
    /// Which changes of the mean to report.
    public enum Direction: String, Sendable, CaseIterable {
        /// Only increases of the mean.
        case increase
        /// Only decreases of the mean.
        case decrease
        /// Both.
        case both
    }

    /// The detector's parameters.
    public struct Configuration: Equatable, Sendable {
        /// Slack δ: deviations smaller than this do not accumulate (≥ 0).
        public var slack: Double
        /// Threshold λ on the cumulative deviation (> 0).
        public var threshold: Double
        /// No detection before this many values since the last reset (≥ 1).
        public var minimumCount: Int
        /// Fading factor α of the cumulative sums, in (0, 1]; 1 is the classic test.
        public var fadingFactor: Double
        /// Which changes to report.
        public var direction: Direction
        /// Whether deviations are divided by the running standard deviation, making δ and λ scale-free.
        public var standardized: Bool

        /// Creates a configuration; the defaults are scale-free with ARL₀ ≈ 1.3·10⁸ per side (Gaussian).
        /// - Parameters:
        ///   - slack: δ, default 0.25.
        ///   - threshold: λ, default 32.
        ///   - minimumCount: default 30.
        ///   - fadingFactor: α, default 1.
        ///   - direction: default `.both`.
        ///   - standardized: default `true`.
        public init(
            slack: Double = 0.25,
            threshold: Double = 32,
            minimumCount: Int = 30,
            fadingFactor: Double = 1,
            direction: Direction = .both,
            standardized: Bool = true
        ) {
            self.slack = slack
            self.threshold = threshold
            self.minimumCount = minimumCount
            self.fadingFactor = fadingFactor
            self.direction = direction
            self.standardized = standardized
        }

        /// River's `PageHinkley()` defaults, in the signal's own units: δ = 0.005, λ = 50, α = 0.9999.
        public static let riverDefaults = Configuration(
            slack: 0.005,
            threshold: 50,
            minimumCount: 30,
            fadingFactor: 0.9999,
            direction: .both,
            standardized: false
        )

        /// Checks every setting; the error names the first one out of range.
        /// - Throws: ``DriftError/invalidSetting(name:value:expected:)``.
        public func validate() throws(DriftError) {
            try DriftError.require(slack >= 0 && slack.isFinite, "pageHinkley.slack", slack, "a finite number >= 0")
            try DriftError.require(
                threshold > 0 && threshold.isFinite,
                "pageHinkley.threshold",
                threshold,
                "a finite number > 0"
            )
            try DriftError.require(minimumCount >= 1, "pageHinkley.minimumCount", minimumCount, "an integer >= 1")
            try DriftError.require(
                fadingFactor > 0 && fadingFactor <= 1,
                "pageHinkley.fadingFactor",
                fadingFactor,
                "a number in (0, 1]"
            )
        }
    }

    /// The parameters this detector was created with.
    public let configuration: Configuration
    /// Number of values since creation or the last reset or detection.
    public private(set) var count = 0
    /// Number of changes detected since creation or the last ``reset()``.
    public private(set) var detectionCount = 0
    /// Number of non-finite values that were ignored.
    public private(set) var ignoredCount = 0

    /// The current statistic over the alarm threshold (1 would alarm; 0 before `minimumCount` values).
    ///
    /// - Complexity: O(1).
    public var level: Double {
        guard count >= configuration.minimumCount, configuration.threshold > 0 else { return 0 }
        let rise = configuration.direction == .decrease ? 0 : increaseSum - increaseMinimum
        let fall = configuration.direction == .increase ? 0 : decreaseMaximum - decreaseSum
        return max(rise, fall) / configuration.threshold
    }
    private var mean = 0.0
    private var squaredDeviation = 0.0
    private var increaseSum = 0.0
    private var increaseMinimum = 0.0
    private var decreaseSum = 0.0
    private var decreaseMaximum = 0.0

    /// Creates a detector.
    /// - Parameter configuration: the parameters.
    /// - Throws: ``DriftError/invalidSetting(name:value:expected:)`` if a parameter is out of range.
    public init(configuration: Configuration = Configuration()) throws(DriftError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Adds one value; returns a detection when the cumulative deviation crossed λ (the test then restarts).
    /// - Parameter value: the next value; NaN and infinities are ignored (see ``ignoredCount``).
    /// - Returns: the detection, or `nil`.
    /// - Complexity: O(1).
    @inline(__always)
    public mutating func update(_ value: Double) -> DriftDetection? {
        guard value.isFinite else {
            ignoredCount += 1
            return nil
        }
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        squaredDeviation += delta * (value - mean)
        var deviation = value - mean
        if configuration.standardized {
            let deviationScale = count > 1 ? (squaredDeviation / Double(count - 1)).squareRoot() : 0
            deviation = deviationScale > 0 ? deviation / deviationScale : 0
        }
        let alpha = configuration.fadingFactor
        increaseSum = alpha * increaseSum + deviation - configuration.slack
        decreaseSum = alpha * decreaseSum + deviation + configuration.slack
        if count == 1 {
            increaseMinimum = increaseSum
            decreaseMaximum = decreaseSum
        } else {
            increaseMinimum = min(increaseMinimum, increaseSum)
            decreaseMaximum = max(decreaseMaximum, decreaseSum)
        }
        guard count >= configuration.minimumCount else { return nil }
        let rise = configuration.direction == .decrease ? 0 : increaseSum - increaseMinimum
        let fall = configuration.direction == .increase ? 0 : decreaseMaximum - decreaseSum
        let statistic = max(rise, fall)
        guard statistic > configuration.threshold else { return nil }
        let detection = DriftDetection(statistic: statistic, threshold: configuration.threshold, windowLength: count)
        restart()
        detectionCount += 1
        return detection
    }

    /// Clears the statistics and the counters; the configuration stays.
    public mutating func reset() {
        restart()
        detectionCount = 0
        ignoredCount = 0
    }

    private mutating func restart() {
        count = 0
        mean = 0
        squaredDeviation = 0
        increaseSum = 0
        increaseMinimum = 0
        decreaseSum = 0
        decreaseMaximum = 0
    }
}
