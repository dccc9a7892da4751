import ConsRouteModel
import GRDB

/// What one tuning run decided: the table it published, or why it published nothing (a guardrail's reason or
/// the error), with the proposal's predicted ratios and the data window it was computed on.
///
/// Every tuning outcome has exactly one decision, keyed by the run id that its re-cluster and optimiser runs
/// and its table's provenance carry, so "why was no table published after the drift at 10:05?" is one query.
public struct TuningDecisionRecord: Sendable, Hashable {
    /// The tuning run's id (`FleetPipeline.TuningOutcome.runID`); unique.
    public var runID: String
    /// The fleet tuned.
    public var fleet: String
    /// What started the run.
    public var trigger: HistoryTrigger
    /// When the decision was made, unix milliseconds.
    public var decidedAt: Int64
    /// Published, rejected by a guardrail, or failed.
    public var result: TuningDecisionResult
    /// The guardrail's reason or the error; empty exactly when the result is `published`.
    public var reason: String
    /// The version published; set exactly when the result is `published`.
    public var tableVersion: UInt64?
    /// The proposal's predicted Q / Q(all-cloud) on held-out samples; nil when the run made no proposal.
    public var qualityRatio: Double?
    /// The proposal's predicted L / L(all-cloud); nil when the run made no proposal.
    public var latencyRatio: Double?
    /// The proposal's predicted C / C(all-cloud); nil when the run made no proposal.
    public var costRatio: Double?
    /// The telemetry the run was computed on.
    public var window: DataWindow
    /// The guardrail's basis: `bound` (the quality ratio's lower bound clears q_min), `toward_safety` (the table in
    /// force is below q_min and the candidate is better on quality), `dominates` (the candidate is no worse on
    /// quality and objective), `bound_failed`; nil for records written before it was kept.
    public var basis: String?
    /// The risk level alpha of the bounds (nil before it was kept).
    public var alpha: Double?
    /// The candidate's figures on the held-out samples (nil without a proposal or before they were kept); its ratios
    /// are `qualityRatio`, `latencyRatio` and `costRatio` (stored once).
    public var candidate: DecisionFigures?
    /// The table in force on the same samples (nil for the first table, or before they were kept).
    public var current: DecisionFigures?

    /// Creates a record.
    /// - Parameters:
    ///   - runID: The run's id; not empty.
    ///   - fleet: The fleet; not empty.
    ///   - trigger: What started the run.
    ///   - decidedAt: Decision time, unix milliseconds.
    ///   - result: What was decided.
    ///   - reason: Why nothing was published; empty for `published`, not empty otherwise.
    ///   - tableVersion: The published version (1...Int64.max) for `published`, nil otherwise.
    ///   - qualityRatio: Predicted quality ratio; finite and not negative, or nil without a proposal.
    ///   - latencyRatio: Predicted latency ratio; nil exactly when `qualityRatio` is.
    ///   - costRatio: Predicted cost ratio; nil exactly when `qualityRatio` is.
    ///   - window: The data window.
    public init(
        runID: String,
        fleet: String,
        trigger: HistoryTrigger,
        decidedAt: Int64,
        result: TuningDecisionResult,
        reason: String,
        tableVersion: UInt64?,
        qualityRatio: Double?,
        latencyRatio: Double?,
        costRatio: Double?,
        window: DataWindow,
        basis: String? = nil,
        alpha: Double? = nil,
        candidate: DecisionFigures? = nil,
        current: DecisionFigures? = nil
    ) {
        self.runID = runID
        self.fleet = fleet
        self.trigger = trigger
        self.decidedAt = decidedAt
        self.result = result
        self.reason = reason
        self.tableVersion = tableVersion
        self.qualityRatio = qualityRatio
        self.latencyRatio = latencyRatio
        self.costRatio = costRatio
        self.window = window
        self.basis = basis
        self.alpha = alpha
        self.candidate = candidate
        self.current = current
    }
}

extension TuningDecisionRecord {
    static let tableName = "tuning_decision"

    static let insertSQL = """
        INSERT INTO tuning_decision (run_id, fleet, trigger_kind, trigger_ref, decided_at, result, reason,
            table_version, quality_ratio, latency_ratio, cost_ratio,
            window_start, window_end, window_first_offset, window_end_offset, basis, alpha,
            quality_lower_bound, objective, current_quality_ratio, current_quality_lower_bound,
            current_latency_ratio, current_cost_ratio, current_objective)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        runID = try row.decode(forColumn: "run_id")
        fleet = try row.decode(forColumn: "fleet")
        trigger = try row.decodeTrigger(table: Self.tableName)
        decidedAt = try row.decode(forColumn: "decided_at")
        result = try row.decodeEnum(column: "result", table: Self.tableName)
        reason = try row.decode(forColumn: "reason")
        let storedVersion: Int64? = try row.decode(forColumn: "table_version")
        tableVersion =
            storedVersion == nil ? nil : try row.decodeVersion(column: "table_version", table: Self.tableName)
        qualityRatio = try row.decode(forColumn: "quality_ratio")
        latencyRatio = try row.decode(forColumn: "latency_ratio")
        costRatio = try row.decode(forColumn: "cost_ratio")
        window = try row.decodeDataWindow()
        basis = try row.decode(forColumn: "basis")
        alpha = try row.decode(forColumn: "alpha")
        let candidateObjective: Double? = try row.decode(forColumn: "objective")
        if let qualityRatio, let latencyRatio, let costRatio, let candidateObjective {
            candidate = DecisionFigures(
                qualityRatio: qualityRatio,
                qualityLowerBound: try row.decode(forColumn: "quality_lower_bound"),
                latencyRatio: latencyRatio,
                costRatio: costRatio,
                objective: candidateObjective
            )
        }
        let currentQuality: Double? = try row.decode(forColumn: "current_quality_ratio")
        let currentLatency: Double? = try row.decode(forColumn: "current_latency_ratio")
        let currentCost: Double? = try row.decode(forColumn: "current_cost_ratio")
        let currentObjective: Double? = try row.decode(forColumn: "current_objective")
        if let currentQuality, let currentLatency, let currentCost, let currentObjective {
            current = DecisionFigures(
                qualityRatio: currentQuality,
                qualityLowerBound: try row.decode(forColumn: "current_quality_lower_bound"),
                latencyRatio: currentLatency,
                costRatio: currentCost,
                objective: currentObjective
            )
        }
    }

    /// Checks every field and returns the insert arguments.
    func validatedArguments() throws -> StatementArguments {
        try FieldRule.nonEmpty(runID, "tuningDecision.runID")
        try FieldRule.nonEmpty(fleet, "tuningDecision.fleet")
        try trigger.validate("tuningDecision.trigger")
        let storedVersion = try validatedOutcome()
        let ratios = [qualityRatio, latencyRatio, costRatio]
        if ratios.contains(nil), ratios.contains(where: { $0 != nil }) {
            throw HistoryStoreError.invalidField(
                field: "tuningDecision.qualityRatio",
                reason: "the quality, latency and cost ratios are all set (a proposal) or all nil (none)"
            )
        }
        if let qualityRatio { try FieldRule.nonNegative(qualityRatio, "tuningDecision.qualityRatio") }
        if let latencyRatio { try FieldRule.nonNegative(latencyRatio, "tuningDecision.latencyRatio") }
        if let costRatio { try FieldRule.nonNegative(costRatio, "tuningDecision.costRatio") }
        if let candidate,
            candidate.qualityRatio != qualityRatio || candidate.latencyRatio != latencyRatio
                || candidate.costRatio != costRatio
        {
            throw HistoryStoreError.invalidField(
                field: "tuningDecision.candidate",
                reason: "the candidate's ratios are the decision's quality, latency and cost ratios; they differ"
            )
        }
        try window.validate("tuningDecision.window")
        return [
            runID, fleet, trigger.kind.rawValue, trigger.reference, decidedAt, result.rawValue, reason, storedVersion,
            qualityRatio, latencyRatio, costRatio, window.start, window.end, window.firstOffset, window.endOffset,
            basis, alpha, candidate?.qualityLowerBound, candidate?.objective, current?.qualityRatio,
            current?.qualityLowerBound, current?.latencyRatio, current?.costRatio, current?.objective,
        ]
    }

    /// Checks that the reason and the version fit the result; returns the version as stored.
    private func validatedOutcome() throws -> Int64? {
        switch result {
        case .published:
            guard let tableVersion else {
                throw HistoryStoreError.invalidField(
                    field: "tuningDecision.tableVersion",
                    reason: "a published decision names the version it published"
                )
            }
            if !reason.isEmpty {
                throw HistoryStoreError.invalidField(
                    field: "tuningDecision.reason",
                    reason: "must be empty for a published decision, got '\(reason)'"
                )
            }
            return try FieldRule.storableVersion(tableVersion, "tuningDecision.tableVersion")
        case .rejected, .failed:
            if let tableVersion {
                throw HistoryStoreError.invalidField(
                    field: "tuningDecision.tableVersion",
                    reason: "must be nil for a \(result.rawValue) decision, got \(tableVersion)"
                )
            }
            try FieldRule.nonEmpty(reason, "tuningDecision.reason")
            return nil
        }
    }
}
