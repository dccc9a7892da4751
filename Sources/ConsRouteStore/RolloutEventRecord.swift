import GRDB

/// One step of a fleet's staged rollout (docs/design.md §6.7): a canary started, promoted or rolled back, by whom, why,
/// the versions involved, and the sequential test's figures when the step ended a canary.
///
/// Keyed by (fleet, canary version, step): each canary starts once and ends once.
public struct RolloutEventRecord: Sendable, Hashable {
    /// The fleet.
    public var fleet: String
    /// The canary table's version.
    public var canaryVersion: UInt64
    /// Started, promoted or rolled back.
    public var step: RolloutStep
    /// When the step was taken, unix milliseconds.
    public var decidedAt: Int64
    /// The controller (a tuning, the test, its time limit) or an operator.
    public var initiator: RolloutInitiator
    /// The active table the canary is compared with (its content is what a rollback publishes again).
    public var controlVersion: UInt64
    /// The share of devices in the canary cohort, 0...100.
    public var percent: Double
    /// The version a promotion or rollback published; nil exactly for `started`.
    public var resultVersion: UInt64?
    /// Why the step was taken, in words (e.g. the test's verdict); not empty.
    public var reason: String
    /// The comparison's figures; nil exactly for `started`.
    public var figures: RolloutFigures?

    /// Creates a record.
    /// - Parameters:
    ///   - fleet: The fleet; not empty.
    ///   - canaryVersion: The canary's version, 1...Int64.max.
    ///   - step: The step.
    ///   - decidedAt: Unix milliseconds.
    ///   - initiator: Who took it.
    ///   - controlVersion: The active version compared with, 1...Int64.max and below `canaryVersion`.
    ///   - percent: The cohort share, 0...100.
    ///   - resultVersion: Above `canaryVersion` for a promotion or rollback; nil for `started`.
    ///   - reason: Why; not empty.
    ///   - figures: The test's figures for a promotion or rollback; nil for `started`.
    public init(
        fleet: String,
        canaryVersion: UInt64,
        step: RolloutStep,
        decidedAt: Int64,
        initiator: RolloutInitiator,
        controlVersion: UInt64,
        percent: Double,
        resultVersion: UInt64?,
        reason: String,
        figures: RolloutFigures?
    ) {
        self.fleet = fleet
        self.canaryVersion = canaryVersion
        self.step = step
        self.decidedAt = decidedAt
        self.initiator = initiator
        self.controlVersion = controlVersion
        self.percent = percent
        self.resultVersion = resultVersion
        self.reason = reason
        self.figures = figures
    }
}

extension RolloutEventRecord {
    static let tableName = "rollout_event"

    static let insertSQL = """
        INSERT INTO rollout_event (fleet, canary_version, step, decided_at, initiator, control_version, percent,
            result_version, reason, canary_samples, canary_mean, control_samples, control_mean, lower_bound,
            upper_bound)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        fleet = try row.decode(forColumn: "fleet")
        canaryVersion = try row.decodeVersion(column: "canary_version", table: Self.tableName)
        step = try row.decodeEnum(column: "step", table: Self.tableName)
        decidedAt = try row.decode(forColumn: "decided_at")
        initiator = try row.decodeEnum(column: "initiator", table: Self.tableName)
        controlVersion = try row.decodeVersion(column: "control_version", table: Self.tableName)
        percent = try row.decode(forColumn: "percent")
        let storedResult: Int64? = try row.decode(forColumn: "result_version")
        resultVersion =
            storedResult == nil ? nil : try row.decodeVersion(column: "result_version", table: Self.tableName)
        reason = try row.decode(forColumn: "reason")
        let canarySamples: Int64? = try row.decode(forColumn: "canary_samples")
        if let canarySamples {
            figures = RolloutFigures(
                canarySamples: canarySamples,
                canaryMean: try row.decode(forColumn: "canary_mean"),
                controlSamples: try row.decode(forColumn: "control_samples"),
                controlMean: try row.decode(forColumn: "control_mean"),
                lowerBound: try row.decode(forColumn: "lower_bound"),
                upperBound: try row.decode(forColumn: "upper_bound")
            )
        } else {
            figures = nil
        }
    }

    /// Checks every field and returns the insert arguments.
    func validatedArguments() throws -> StatementArguments {
        try FieldRule.nonEmpty(fleet, "rolloutEvent.fleet")
        let canary = try FieldRule.storableVersion(canaryVersion, "rolloutEvent.canaryVersion")
        let control = try FieldRule.storableVersion(controlVersion, "rolloutEvent.controlVersion")
        if controlVersion >= canaryVersion {
            throw HistoryStoreError.invalidField(
                field: "rolloutEvent.controlVersion",
                reason: "must be below the canary version \(canaryVersion), got \(controlVersion)"
            )
        }
        try FieldRule.finite(percent, "rolloutEvent.percent")
        if !(0...100).contains(percent) {
            throw HistoryStoreError.invalidField(
                field: "rolloutEvent.percent",
                reason: "must be in 0...100, got \(percent)"
            )
        }
        try FieldRule.nonEmpty(reason, "rolloutEvent.reason")
        var result: Int64?
        if step == .started {
            if resultVersion != nil || figures != nil {
                throw HistoryStoreError.invalidField(
                    field: "rolloutEvent.resultVersion",
                    reason: "a start has neither a result version nor test figures"
                )
            }
        } else {
            guard let resultVersion, let figures else {
                throw HistoryStoreError.invalidField(
                    field: "rolloutEvent.resultVersion",
                    reason: "a \(step.rawValue) step names the version it published and the test's figures"
                )
            }
            result = try FieldRule.storableVersion(resultVersion, "rolloutEvent.resultVersion")
            if resultVersion <= canaryVersion {
                throw HistoryStoreError.invalidField(
                    field: "rolloutEvent.resultVersion",
                    reason: "must be above the canary version \(canaryVersion), got \(resultVersion)"
                )
            }
            try figures.validate("rolloutEvent.figures")
        }
        return [
            fleet, canary, step.rawValue, decidedAt, initiator.rawValue, control, percent, result, reason,
            figures?.canarySamples, figures?.canaryMean, figures?.controlSamples, figures?.controlMean,
            figures?.lowerBound, figures?.upperBound,
        ]
    }
}
