public import ConsRouteModel
import GRDB

/// One drift detection: which detector fired on which signal, the statistic against its threshold, the data
/// window it covered, and what the controller did about it.
public struct DriftEventRecord: Sendable, Hashable {
    /// Unique id, referenced by tables and runs it triggered (``HistoryTrigger/drift(eventID:)``).
    public var id: String
    /// The fleet whose telemetry drifted.
    public var fleet: String
    /// When the detector fired, unix milliseconds.
    public var detectedAt: Int64
    /// The detector, e.g. `psi`, `chi_square`, `adwin`, `page_hinkley`.
    public var detector: String
    /// What drifted, e.g. `occupancy`, `novelty`, `outcome`, `latency`, `cost`.
    public var signal: String
    /// The cluster the signal belongs to, for per-cluster detectors.
    public var cluster: UInt32?
    /// The tier the signal belongs to, for per-tier detectors.
    public var tier: Tier?
    /// The detector's statistic when it fired.
    public var statistic: Double
    /// The threshold the statistic crossed.
    public var threshold: Double
    /// The telemetry the statistic was computed over.
    public var window: DataWindow
    /// What the controller did, e.g. `recluster`, `reoptimise`, `debounced`, `paused`.
    public var action: String

    /// Creates a record.
    /// - Parameters:
    ///   - id: Unique id; not empty.
    ///   - fleet: The fleet; not empty.
    ///   - detectedAt: Detection time, unix milliseconds.
    ///   - detector: The detector's name; not empty.
    ///   - signal: The drifting signal's name; not empty.
    ///   - cluster: The cluster, for per-cluster detectors.
    ///   - tier: The tier, for per-tier detectors.
    ///   - statistic: The statistic; finite.
    ///   - threshold: The threshold crossed; finite.
    ///   - window: The data window.
    ///   - action: The action taken; not empty.
    public init(
        id: String,
        fleet: String,
        detectedAt: Int64,
        detector: String,
        signal: String,
        cluster: UInt32?,
        tier: Tier?,
        statistic: Double,
        threshold: Double,
        window: DataWindow,
        action: String
    ) {
        self.id = id
        self.fleet = fleet
        self.detectedAt = detectedAt
        self.detector = detector
        self.signal = signal
        self.cluster = cluster
        self.tier = tier
        self.statistic = statistic
        self.threshold = threshold
        self.window = window
        self.action = action
    }
}

extension DriftEventRecord {
    static let tableName = "drift_event"

    static let insertSQL = """
        INSERT INTO drift_event (id, fleet, detected_at, detector, signal, cluster, tier, statistic, threshold,
            window_start, window_end, window_first_offset, window_end_offset, action)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        fleet = try row.decode(forColumn: "fleet")
        detectedAt = try row.decode(forColumn: "detected_at")
        detector = try row.decode(forColumn: "detector")
        signal = try row.decode(forColumn: "signal")
        cluster = try row.decode(forColumn: "cluster")
        tier = try row.decodeOptionalTier(column: "tier", table: Self.tableName)
        statistic = try row.decode(forColumn: "statistic")
        threshold = try row.decode(forColumn: "threshold")
        window = try row.decodeDataWindow()
        action = try row.decode(forColumn: "action")
    }

    /// Checks every field and returns the insert arguments.
    func validatedArguments() throws -> StatementArguments {
        try FieldRule.nonEmpty(id, "driftEvent.id")
        try FieldRule.nonEmpty(fleet, "driftEvent.fleet")
        try FieldRule.nonEmpty(detector, "driftEvent.detector")
        try FieldRule.nonEmpty(signal, "driftEvent.signal")
        try FieldRule.finite(statistic, "driftEvent.statistic")
        try FieldRule.finite(threshold, "driftEvent.threshold")
        try window.validate("driftEvent.window")
        try FieldRule.nonEmpty(action, "driftEvent.action")
        return [
            id, fleet, detectedAt, detector, signal, cluster, tier?.description, statistic, threshold,
            window.start, window.end, window.firstOffset, window.endOffset, action,
        ]
    }
}
