import ConsRouteModel
import GRDB

/// One threshold optimisation of a cluster (or of the fleet's pooled/novel thresholds): the engine, what
/// started it, the thresholds it chose and the predicted ratios against all-cloud routing.
public struct OptimiserRunRecord: Sendable, Hashable {
    /// Unique id of the run, referenced by the tables it produced.
    public var id: String
    /// The fleet optimised.
    public var fleet: String
    /// The cluster optimised; nil for fleet-level (pooled or novel) thresholds.
    public var cluster: UInt32?
    /// The engine, e.g. `gp-bo` or `sweep`.
    public var engine: String
    /// What started the run.
    public var trigger: HistoryTrigger
    /// When the run started, unix milliseconds.
    public var startedAt: Int64
    /// How long the run took.
    public var duration: Duration
    /// The chosen device threshold, in [0, 1].
    public var tDevice: Double
    /// The chosen edge threshold, in [0, 1].
    public var tEdge: Double
    /// The objective U at the chosen thresholds.
    public var objective: Double
    /// Predicted Q / Q(all-cloud).
    public var qualityRatio: Double
    /// Predicted L / L(all-cloud).
    public var latencyRatio: Double
    /// Predicted C / C(all-cloud).
    public var costRatio: Double

    /// Creates a record.
    /// - Parameters:
    ///   - id: Unique id; not empty.
    ///   - fleet: The fleet; not empty.
    ///   - cluster: The cluster, or nil for fleet-level thresholds.
    ///   - engine: The engine's name; not empty.
    ///   - trigger: What started the run.
    ///   - startedAt: Start time, unix milliseconds.
    ///   - duration: Run time; not negative.
    ///   - tDevice: Chosen device threshold in [0, 1].
    ///   - tEdge: Chosen edge threshold in [0, 1].
    ///   - objective: Objective at the choice; finite.
    ///   - qualityRatio: Predicted quality ratio; finite, not negative.
    ///   - latencyRatio: Predicted latency ratio; finite, not negative.
    ///   - costRatio: Predicted cost ratio; finite, not negative.
    public init(
        id: String,
        fleet: String,
        cluster: UInt32?,
        engine: String,
        trigger: HistoryTrigger,
        startedAt: Int64,
        duration: Duration,
        tDevice: Double,
        tEdge: Double,
        objective: Double,
        qualityRatio: Double,
        latencyRatio: Double,
        costRatio: Double
    ) {
        self.id = id
        self.fleet = fleet
        self.cluster = cluster
        self.engine = engine
        self.trigger = trigger
        self.startedAt = startedAt
        self.duration = duration
        self.tDevice = tDevice
        self.tEdge = tEdge
        self.objective = objective
        self.qualityRatio = qualityRatio
        self.latencyRatio = latencyRatio
        self.costRatio = costRatio
    }
}

extension OptimiserRunRecord {
    static let tableName = "optimiser_run"

    static let insertSQL = """
        INSERT INTO optimiser_run (id, fleet, cluster, engine, trigger_kind, trigger_ref, started_at, duration_ms,
            t_device, t_edge, objective, quality_ratio, latency_ratio, cost_ratio)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        fleet = try row.decode(forColumn: "fleet")
        cluster = try row.decode(forColumn: "cluster")
        engine = try row.decode(forColumn: "engine")
        trigger = try row.decodeTrigger(table: Self.tableName)
        startedAt = try row.decode(forColumn: "started_at")
        duration = try row.decodeDuration(column: "duration_ms")
        tDevice = try row.decode(forColumn: "t_device")
        tEdge = try row.decode(forColumn: "t_edge")
        objective = try row.decode(forColumn: "objective")
        qualityRatio = try row.decode(forColumn: "quality_ratio")
        latencyRatio = try row.decode(forColumn: "latency_ratio")
        costRatio = try row.decode(forColumn: "cost_ratio")
    }

    /// Checks every field and returns the insert arguments.
    func validatedArguments() throws -> StatementArguments {
        try FieldRule.nonEmpty(id, "optimiserRun.id")
        try FieldRule.nonEmpty(fleet, "optimiserRun.fleet")
        try FieldRule.nonEmpty(engine, "optimiserRun.engine")
        try trigger.validate("optimiserRun.trigger")
        try FieldRule.nonNegative(duration, "optimiserRun.duration")
        try FieldRule.unitInterval(tDevice, "optimiserRun.tDevice")
        try FieldRule.unitInterval(tEdge, "optimiserRun.tEdge")
        try FieldRule.finite(objective, "optimiserRun.objective")
        try FieldRule.nonNegative(qualityRatio, "optimiserRun.qualityRatio")
        try FieldRule.nonNegative(latencyRatio, "optimiserRun.latencyRatio")
        try FieldRule.nonNegative(costRatio, "optimiserRun.costRatio")
        return [
            id, fleet, cluster, engine, trigger.kind.rawValue, trigger.reference, startedAt, duration.milliseconds,
            tDevice, tEdge, objective, qualityRatio, latencyRatio, costRatio,
        ]
    }
}
