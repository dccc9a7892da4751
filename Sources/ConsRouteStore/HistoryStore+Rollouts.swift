import GRDB

extension HistoryStore {
    /// Stores one step of a staged rollout.
    /// - Parameter event: The step; (fleet, canary version, step) must be new.
    /// - Throws: ``HistoryStoreError/duplicateRecordID(kind:id:)`` if the canary already has this step,
    ///   ``HistoryStoreError/invalidField(field:reason:)`` for a bad field (for example a promotion without the
    ///   version it published).
    public func recordRolloutEvent(_ event: RolloutEventRecord) async throws {
        let arguments = try event.validatedArguments()
        try await write { db in
            try Self.insertUnique(
                sql: RolloutEventRecord.insertSQL,
                arguments: arguments,
                kind: "rollout event",
                id: "\(event.fleet)/v\(event.canaryVersion)/\(event.step.rawValue)",
                in: db
            )
            try self.shareRecorded(
                .rolloutEvent,
                fleet: event.fleet,
                key: [
                    "fleet": event.fleet, "canary_version": Int64(event.canaryVersion), "step": event.step.rawValue,
                ],
                in: db
            )
        }
    }

    /// Rollout steps matching a query, newest `decided_at` first (for the same time, the later step first).
    /// - Parameters:
    ///   - query: Fleet, `decided_at` range and limit.
    ///   - step: Only steps of this kind, when given.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    public func rolloutEvents(_ query: HistoryQuery, step: RolloutStep? = nil) async throws -> [RolloutEventRecord] {
        try query.validate()
        let clauses = query.clauses(
            timeColumn: "decided_at",
            tieBreak: "canary_version DESC, CASE step WHEN 'started' THEN 1 ELSE 0 END",
            conditions: step.map { [("step = ?", $0.rawValue)] } ?? []
        )
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rollout_event" + clauses.sql, arguments: clauses.arguments)
                .map(RolloutEventRecord.init(row:))
        }
    }
}
