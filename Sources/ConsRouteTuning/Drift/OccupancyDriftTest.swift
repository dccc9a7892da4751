/// A windowed test of cluster occupancy: are the clusters of the latest events distributed like a reference?
///
/// Every `checkInterval` events the test compares, for each configured window length `w`, the counts per
/// cluster of the last `w` events with the reference counts by the chi-square test of homogeneity of the
/// `2 × k` table (window vs reference), and signals when the statistic of any window exceeds its calibrated
/// critical value. The homogeneity form accounts for the reference being a finite sample itself.
///
/// **Reference.** Counts given at creation or by ``rebase(clusterCount:referenceCounts:)`` (e.g. the cluster
/// sizes of the re-clustering sample), plus the events that have aged past the longest window, until the
/// reference holds `referenceCapacity` events; then it is frozen. An empty seed therefore means "learn the
/// reference from the stream". After a detection the test forgets its reference and learns a new one from the
/// events that follow, so one change raises one alarm (like the peers' detectors, which reset).
///
/// **Calibration and false-alarm rate.** With `T = (10⁶ / checkInterval) · windowLengths.count` tests per
/// million events, each test runs at level `α = falseAlarmsPerMillionEvents / T` against the `1 − α` quantile
/// of χ² with (non-empty clusters − 1) degrees of freedom. By the union bound (Bonferroni) the expected number
/// of false alarms per million stationary events is at most `falseAlarmsPerMillionEvents` (default 0.01),
/// as long as the chi-square approximation holds (expected counts of a few per cell or more). Overlapping
/// windows are positively correlated, so the actual rate is lower. The tests check the per-test level by
/// simulation.
///
/// Allocation-free per event; a check costs O(k · windowLengths.count).
public struct OccupancyDriftTest: Sendable {
    /// The number of clusters the test counts.
    public private(set) var clusterCount: Int
    /// The parameters this test was created with.
    public let configuration: Configuration
    /// Number of window tests performed since creation.
    public internal(set) var testCount = 0
    /// Number of changes detected since creation.
    public internal(set) var detectionCount = 0
    /// The largest statistic over critical value of the last checkpoint's windows (1 would alarm; 0 before the
    /// first test).
    public internal(set) var level = 0.0
    // Internal rather than private: the checkpoint logic lives in OccupancyDriftTest+Window.swift.
    /// Critical values indexed by degrees of freedom (index 0 unused).
    var criticalValueByDegrees: [Double]
    var seed: [Double]
    var reference: [Double]
    var referenceFrozen = false
    var cumulative: [Int]
    /// Ring of cumulative counts at the last `depth` checkpoints; checkpoint `j` lives in slot `j % depth`.
    var snapshots: [Int]
    var checkpoint = 0
    var sinceCheckpoint = 0

    /// Creates a test.
    /// - Parameters:
    ///   - clusterCount: the number of clusters k (≥ 2).
    ///   - configuration: windows, calibration and reference sizes.
    ///   - referenceCounts: the reference occupancy, one count per cluster, or empty to learn it from the stream.
    /// - Throws: ``DriftError`` naming the invalid setting, or a reference whose length is not `clusterCount`.
    public init(
        clusterCount: Int,
        configuration: Configuration = Configuration(),
        referenceCounts: [Double] = []
    ) throws(DriftError) {
        try configuration.validate()
        self.configuration = configuration
        self.clusterCount = 0
        criticalValueByDegrees = []
        seed = []
        reference = []
        cumulative = []
        snapshots = []
        try rebase(clusterCount: clusterCount, referenceCounts: referenceCounts)
    }

    /// Number of events in the current reference.
    public var referenceTotal: Double { reference.reduce(0, +) }

    /// Counts one event of cluster `cluster`; every `checkInterval` events, runs the window tests.
    /// - Parameter cluster: the event's cluster, in `0..<clusterCount`.
    /// - Returns: the detection of the window with the largest statistic relative to its critical value, or `nil`.
    /// - Throws: ``DriftError/clusterOutOfRange(cluster:clusterCount:)``.
    /// - Complexity: O(1), plus O(k · windows) at a checkpoint.
    @inline(__always)
    public mutating func observe(cluster: Int) throws(DriftError) -> DriftDetection? {
        guard cluster >= 0 && cluster < clusterCount else {
            throw .clusterOutOfRange(cluster: cluster, clusterCount: clusterCount)
        }
        cumulative[cluster] &+= 1
        sinceCheckpoint += 1
        guard sinceCheckpoint == configuration.checkInterval else { return nil }
        return closeCheckpoint()
    }

    /// Starts over with a new number of clusters and a new reference (after a re-clustering).
    /// - Parameters:
    ///   - clusterCount: the number of clusters k (≥ 2).
    ///   - referenceCounts: the reference occupancy, one count per cluster, or empty to learn it.
    /// - Throws: ``DriftError`` for k < 2, a length mismatch, or a negative or non-finite count.
    /// - Complexity: O(k² · log(1/ε)) when k changes (critical values are recomputed), else O(k · windows).
    public mutating func rebase(clusterCount: Int, referenceCounts: [Double]) throws(DriftError) {
        try DriftError.require(clusterCount >= 2, "occupancy.clusterCount", clusterCount, "an integer >= 2")
        guard referenceCounts.isEmpty || referenceCounts.count == clusterCount else {
            throw .referenceMismatch(clusterCount: clusterCount, occupancyCount: referenceCounts.count)
        }
        for count in referenceCounts where !(count.isFinite && count >= 0) {
            throw .invalidObservation(field: "referenceCounts", value: count, expected: "finite counts >= 0")
        }
        if clusterCount != self.clusterCount {
            self.clusterCount = clusterCount
            criticalValueByDegrees = Self.criticalValues(
                clusterCount: clusterCount,
                level: configuration.significanceLevel
            )
            cumulative = Array(repeating: 0, count: clusterCount)
            snapshots = Array(repeating: 0, count: clusterCount * (configuration.longestWindowCheckpoints + 1))
            reference = Array(repeating: 0, count: clusterCount)
        }
        seed = referenceCounts.isEmpty ? Array(repeating: 0, count: clusterCount) : referenceCounts
        restart()
    }

    /// Forgets the events and the learned reference, keeping the seed reference and the configuration.
    public mutating func reset() {
        restart()
    }
}
