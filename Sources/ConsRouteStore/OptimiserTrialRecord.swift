import GRDB

/// One evaluation of the objective during an optimiser run.
public struct OptimiserTrialRecord: Sendable, Hashable {
    /// Position of the trial in its run, from 0; unique within the run.
    public var iteration: Int
    /// The device threshold tried, in [0, 1].
    public var tDevice: Double
    /// The edge threshold tried, in [0, 1].
    public var tEdge: Double
    /// The objective U observed.
    public var objective: Double

    /// Creates a trial.
    /// - Parameters:
    ///   - iteration: Position in the run, from 0.
    ///   - tDevice: Device threshold in [0, 1].
    ///   - tEdge: Edge threshold in [0, 1].
    ///   - objective: Objective observed; finite.
    public init(iteration: Int, tDevice: Double, tEdge: Double, objective: Double) {
        self.iteration = iteration
        self.tDevice = tDevice
        self.tEdge = tEdge
        self.objective = objective
    }
}

extension OptimiserTrialRecord {
    static let insertSQL = """
        INSERT INTO optimiser_trial (run_id, iteration, t_device, t_edge, objective) VALUES (?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        iteration = try row.decode(forColumn: "iteration")
        tDevice = try row.decode(forColumn: "t_device")
        tEdge = try row.decode(forColumn: "t_edge")
        objective = try row.decode(forColumn: "objective")
    }

    /// Checks every field and returns the insert arguments for a trial of run `runID`.
    func validatedArguments(runID: String, index: Int) throws -> StatementArguments {
        let field = "trials[\(index)]"
        try FieldRule.nonNegative(Int64(iteration), "\(field).iteration")
        try FieldRule.unitInterval(tDevice, "\(field).tDevice")
        try FieldRule.unitInterval(tEdge, "\(field).tEdge")
        try FieldRule.finite(objective, "\(field).objective")
        return [runID, iteration, tDevice, tEdge, objective]
    }
}
