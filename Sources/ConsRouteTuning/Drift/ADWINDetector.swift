/// ADWIN2, the adaptive-window change detector of Bifet & Gavaldà ("Learning from time-changing data with
/// adaptive windowing", SDM 2007), over an exponential histogram.
///
/// The detector keeps a window `W` of the most recent values, summarised in `O(M log(n/M))` buckets. Every
/// `clock` values it tries every bucket boundary as a cut `W = W0 · W1` (W0 older) and drops the oldest
/// buckets while some cut has
///
///     |mean(W0) − mean(W1)| > ε = sqrt(2 m σ²_W ln(2/δ')) + (2 / 3) m ln(2/δ'),
///     m = 1/n0 + 1/n1,  δ' = δ / ln n,
///
/// (the paper's Bernstein-type bound with the window variance σ²_W, as MOA and River compute it). An update
/// that shrinks the window reports a ``DriftDetection``; the detector then goes on with the shortened window,
/// which holds the values after the change.
///
/// **False-alarm rate.** For values in `[0, 1]` whose mean does not change, Theorem 3.1 of the paper bounds the
/// probability that one check shrinks the window by `δ`, hence at most `δ / clock` false alarms per value
/// (6.3·10⁻⁵ for the defaults). The bound is very loose: measured with the defaults, 0 alarms in 1,000,000
/// stationary values of the benchmark's consistency score and of its normalised squared distance (which is
/// not bounded by 1), and 0 in the tests' 100 seeded Bernoulli (p = 0.3, 0.5) and 100 Gaussian streams of
/// 20,000 values. On heavy-tailed unbounded values the bound does not hold: after the benchmark's abrupt
/// change (10% of queries far from every centroid) it re-fired 3 times in 300,000 events.
/// Non-finite values are ignored and counted in ``ignoredCount``.
///
/// Allocation-free after creation.
public struct ADWINDetector: Sendable {
    /// The detector's parameters; the defaults are the paper's and River's.
    public struct Configuration: Equatable, Sendable {
        /// Confidence parameter δ of the cut test, in (0, 1); smaller means fewer false alarms, later detections.
        public var delta: Double
        /// Cuts are checked once every `clock` values (≥ 1).
        public var clock: Int
        /// Buckets kept per row of the exponential histogram (M, ≥ 2); more means finer cut points.
        public var maxBucketsPerRow: Int
        /// Both sub-windows of a cut must hold at least this many values (≥ 1).
        public var minimumSubwindowLength: Int
        /// No check happens while the window holds `gracePeriod` values or fewer (≥ 0).
        public var gracePeriod: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - delta: confidence δ, default 0.002.
        ///   - clock: check interval, default 32.
        ///   - maxBucketsPerRow: M, default 5.
        ///   - minimumSubwindowLength: default 5.
        ///   - gracePeriod: default 10.
        public init(
            delta: Double = 0.002,
            clock: Int = 32,
            maxBucketsPerRow: Int = 5,
            minimumSubwindowLength: Int = 5,
            gracePeriod: Int = 10
        ) {
            self.delta = delta
            self.clock = clock
            self.maxBucketsPerRow = maxBucketsPerRow
            self.minimumSubwindowLength = minimumSubwindowLength
            self.gracePeriod = gracePeriod
        }

        /// Checks every setting; the error names the first one out of range.
        /// - Throws: ``DriftError/invalidSetting(name:value:expected:)``.
        public func validate() throws(DriftError) {
            try DriftError.require(delta > 0 && delta < 1, "adwin.delta", delta, "a number in (0, 1)")
            try DriftError.require(clock >= 1, "adwin.clock", clock, "an integer >= 1")
            try DriftError.require(maxBucketsPerRow >= 2, "adwin.maxBucketsPerRow", maxBucketsPerRow, "an integer >= 2")
            try DriftError.require(
                minimumSubwindowLength >= 1,
                "adwin.minimumSubwindowLength",
                minimumSubwindowLength,
                "an integer >= 1"
            )
            try DriftError.require(gracePeriod >= 0, "adwin.gracePeriod", gracePeriod, "an integer >= 0")
        }
    }

    /// The parameters this detector was created with.
    public let configuration: Configuration
    /// Number of values in the adaptive window.
    public private(set) var width = 0
    /// Number of changes detected since creation or the last ``reset()``.
    public private(set) var detectionCount = 0
    /// Number of non-finite values that were ignored.
    public private(set) var ignoredCount = 0
    // Internal rather than private: the cut scan lives in ADWINDetector+Cuts.swift.
    var histogram: ExponentialHistogram
    var total = 0.0
    var squaredDeviation = 0.0
    private var tick = 0

    /// Creates an empty detector.
    /// - Parameter configuration: the parameters.
    /// - Throws: ``DriftError/invalidSetting(name:value:expected:)`` if a parameter is out of range.
    public init(configuration: Configuration = Configuration()) throws(DriftError) {
        try configuration.validate()
        self.configuration = configuration
        histogram = ExponentialHistogram(maxBucketsPerRow: configuration.maxBucketsPerRow)
    }

    /// Mean of the values in the window (0 when empty).
    public var mean: Double { width > 0 ? total / Double(width) : 0 }

    /// Population variance of the values in the window (0 when empty).
    public var variance: Double { width > 0 ? max(0, squaredDeviation) / Double(width) : 0 }

    /// Adds one value; returns a detection when the window was shrunk because its mean changed.
    /// - Parameter value: the next value of the stream; NaN and infinities are ignored (see ``ignoredCount``).
    /// - Returns: the first significant cut of this check, or `nil`.
    /// - Complexity: amortised O(1) per value plus O(M log(n/M)) per check every `clock` values (more while the
    ///   window shrinks).
    @inline(__always)
    public mutating func update(_ value: Double) -> DriftDetection? {
        guard value.isFinite else {
            ignoredCount += 1
            return nil
        }
        insert(value)
        tick += 1
        guard tick >= configuration.clock else { return nil }
        tick = 0
        guard width > configuration.gracePeriod, let detection = shrinkWhileChanged() else { return nil }
        detectionCount += 1
        return detection
    }

    /// Empties the window and clears the counters; the configuration stays.
    public mutating func reset() {
        histogram.removeAll()
        width = 0
        total = 0
        squaredDeviation = 0
        tick = 0
        detectionCount = 0
        ignoredCount = 0
    }

    private mutating func insert(_ value: Double) {
        if width > 0 {
            let delta = value - total / Double(width)
            squaredDeviation += delta * delta * Double(width) / Double(width + 1)
        }
        width += 1
        total += value
        if let dropped = histogram.append(value) { subtract(dropped) }
    }

    /// Removes a bucket's values from the window totals (Chan et al.'s pairwise update, run backwards).
    mutating func subtract(_ bucket: (size: Double, sum: Double, squaredDeviation: Double)) {
        let remaining = Double(width) - bucket.size
        width = Int(remaining)
        total -= bucket.sum
        guard remaining > 0 else {
            total = 0
            squaredDeviation = 0
            return
        }
        let bucketMean = bucket.sum / bucket.size
        let windowMean = total / remaining
        squaredDeviation -=
            bucket.squaredDeviation
            + bucket.size * remaining / (bucket.size + remaining) * (bucketMean - windowMean)
            * (bucketMean - windowMean)
        if squaredDeviation < 0 { squaredDeviation = 0 }
    }
}
