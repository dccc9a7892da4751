import GRDB

extension HistoryStore {
    /// Stores the decision of a tuning run.
    /// - Parameter decision: The decision; its run id must be new.
    /// - Throws: ``HistoryStoreError/duplicateRecordID(kind:id:)`` if the run already has a decision,
    ///   ``HistoryStoreError/invalidField(field:reason:)`` for a bad field (for example a published decision
    ///   without a version, or a rejection without a reason).
    public func recordTuningDecision(_ decision: TuningDecisionRecord) async throws {
        let arguments = try decision.validatedArguments()
        try await write { db in
            try Self.insertUnique(
                sql: TuningDecisionRecord.insertSQL,
                arguments: arguments,
                kind: "tuning decision",
                id: decision.runID,
                in: db
            )
            try self.shareRecorded(.tuningDecision, fleet: decision.fleet, key: ["run_id": decision.runID], in: db)
        }
    }

    /// Tuning decisions matching a query, newest `decided_at` first.
    /// - Parameters:
    ///   - query: Fleet, `decided_at` range and limit.
    ///   - result: Only decisions with this result, when given.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    public func tuningDecisions(
        _ query: HistoryQuery,
        result: TuningDecisionResult? = nil
    ) async throws -> [TuningDecisionRecord] {
        try query.validate()
        let clauses = query.clauses(
            timeColumn: "decided_at",
            tieBreak: "run_id DESC",
            conditions: result.map { [("result = ?", $0.rawValue)] } ?? []
        )
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tuning_decision" + clauses.sql, arguments: clauses.arguments)
                .map(TuningDecisionRecord.init(row:))
        }
    }
}
