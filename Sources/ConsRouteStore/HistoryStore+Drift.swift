import GRDB

extension HistoryStore {
    /// Stores a drift event.
    /// - Parameter event: The event; its id must be new.
    /// - Throws: ``HistoryStoreError/duplicateRecordID(kind:id:)`` if the id is stored,
    ///   ``HistoryStoreError/invalidField(field:reason:)`` for a bad field.
    public func recordDriftEvent(_ event: DriftEventRecord) async throws {
        let arguments = try event.validatedArguments()
        try await write { db in
            try Self.insertUnique(
                sql: DriftEventRecord.insertSQL,
                arguments: arguments,
                kind: "drift event",
                id: event.id,
                in: db
            )
            try self.shareRecorded(.driftEvent, fleet: event.fleet, key: ["id": event.id], in: db)
        }
    }

    /// Drift events matching a query, newest `detected_at` first.
    /// - Parameters:
    ///   - query: Fleet, `detected_at` range and limit.
    ///   - cluster: Only events of this cluster, when given.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    public func driftEvents(_ query: HistoryQuery, cluster: UInt32? = nil) async throws -> [DriftEventRecord] {
        try query.validate()
        let clauses = query.clauses(
            timeColumn: "detected_at",
            tieBreak: "id DESC",
            conditions: cluster.map { [("cluster = ?", $0)] } ?? []
        )
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM drift_event" + clauses.sql, arguments: clauses.arguments)
                .map(DriftEventRecord.init(row:))
        }
    }

    /// One drift event by id.
    /// - Returns: The event, or nil when it is not stored (or was pruned).
    public func driftEvent(id: String) async throws -> DriftEventRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM drift_event WHERE id = ?", arguments: [id])
                .map(DriftEventRecord.init(row:))
        }
    }

    /// Inserts a row whose primary key is a caller-chosen id, turning a key clash into a clear error.
    static func insertUnique(
        sql: String,
        arguments: StatementArguments,
        kind: String,
        id: String,
        in db: Database
    ) throws {
        do {
            try db.execute(sql: sql, arguments: arguments)
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
            || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
        {
            throw HistoryStoreError.duplicateRecordID(kind: kind, id: id)
        }
    }
}
