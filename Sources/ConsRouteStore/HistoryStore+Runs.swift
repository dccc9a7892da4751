import GRDB

extension HistoryStore {
    /// Stores a re-cluster run.
    /// - Parameter run: The run; its id must be new.
    /// - Throws: ``HistoryStoreError/duplicateRecordID(kind:id:)`` if the id is stored,
    ///   ``HistoryStoreError/invalidField(field:reason:)`` for a bad field.
    public func recordReclusterRun(_ run: ReclusterRunRecord) async throws {
        let arguments = try run.validatedArguments()
        try await write { db in
            try Self.insertUnique(
                sql: ReclusterRunRecord.insertSQL,
                arguments: arguments,
                kind: "re-cluster run",
                id: run.id,
                in: db
            )
            try self.shareRecorded(.reclusterRun, fleet: run.fleet, key: ["id": run.id], in: db)
        }
    }

    /// Re-cluster runs matching a query, newest `started_at` first.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    public func reclusterRuns(_ query: HistoryQuery) async throws -> [ReclusterRunRecord] {
        try query.validate()
        let clauses = query.clauses(timeColumn: "started_at", tieBreak: "id DESC")
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recluster_run" + clauses.sql, arguments: clauses.arguments)
                .map(ReclusterRunRecord.init(row:))
        }
    }

    /// Stores an optimiser run and all its trials in one transaction.
    /// - Parameters:
    ///   - run: The run; its id must be new.
    ///   - trials: The objective evaluations, each with a distinct iteration.
    /// - Throws: ``HistoryStoreError/duplicateRecordID(kind:id:)`` if the run id is stored or two trials share
    ///   an iteration, ``HistoryStoreError/invalidField(field:reason:)`` for a bad field.
    public func recordOptimiserRun(_ run: OptimiserRunRecord, trials: [OptimiserTrialRecord]) async throws {
        let runArguments = try run.validatedArguments()
        let trialArguments = try trials.enumerated().map { index, trial in
            try trial.validatedArguments(runID: run.id, index: index)
        }
        try await write { db in
            try Self.insertUnique(
                sql: OptimiserRunRecord.insertSQL,
                arguments: runArguments,
                kind: "optimiser run",
                id: run.id,
                in: db
            )
            let statement = try db.cachedStatement(sql: OptimiserTrialRecord.insertSQL)
            for (trial, arguments) in zip(trials, trialArguments) {
                do {
                    try statement.execute(arguments: arguments)
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                    throw HistoryStoreError.duplicateRecordID(
                        kind: "trial of optimiser run '\(run.id)'",
                        id: String(trial.iteration)
                    )
                }
            }
            try self.shareRecorded(.optimiserRun, fleet: run.fleet, key: ["id": run.id], in: db)
        }
    }

    /// Optimiser runs matching a query, newest `started_at` first.
    /// - Parameters:
    ///   - query: Fleet, `started_at` range and limit.
    ///   - cluster: Only runs of this cluster, when given.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    public func optimiserRuns(_ query: HistoryQuery, cluster: UInt32? = nil) async throws -> [OptimiserRunRecord] {
        try query.validate()
        let clauses = query.clauses(
            timeColumn: "started_at",
            tieBreak: "id DESC",
            conditions: cluster.map { [("cluster = ?", $0)] } ?? []
        )
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM optimiser_run" + clauses.sql, arguments: clauses.arguments)
                .map(OptimiserRunRecord.init(row:))
        }
    }

    /// The trials of one optimiser run, by iteration.
    /// - Returns: The trials; empty when the run has none or is not stored.
    public func optimiserTrials(runID: String) async throws -> [OptimiserTrialRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM optimiser_trial WHERE run_id = ? ORDER BY iteration",
                arguments: [runID]
            ).map(OptimiserTrialRecord.init(row:))
        }
    }
}
