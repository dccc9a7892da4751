import GRDB

extension HistoryStore {
    /// Stores a newly published table, durably (`synchronous = FULL`) before returning.
    ///
    /// An `active` table supersedes the fleet's previous active and canary tables; a `canary` table
    /// supersedes the previous canary; both in the same transaction.
    /// - Parameter table: The table; its version must be above every version ever stored for the fleet.
    /// - Throws: ``HistoryStoreError/duplicateTableVersion(fleet:version:)`` if the version is stored,
    ///   ``HistoryStoreError/tableVersionNotIncreasing(fleet:version:highest:)`` if a higher one is, and
    ///   ``HistoryStoreError/invalidField(field:reason:)`` for a bad field.
    public func insertTable(_ table: ThresholdTableRecord) async throws {
        let arguments = try table.validatedArguments()
        try await writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Back to the connection's default; should the reset itself fail, the connection merely stays at
            // the stricter FULL, so there is nothing to report.
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            try db.inTransaction {
                try Self.checkVersionIsNew(table.fleet, table.version, in: db)
                try Self.releaseSlot(of: table.status, fleet: table.fleet, in: db)
                try db.execute(sql: ThresholdTableRecord.insertSQL, arguments: arguments)
                return .commit
            }
        }
    }

    /// Changes a stored table's status (promote a canary, roll back, supersede).
    ///
    /// As with ``insertTable(_:)``, making a table `active` supersedes the fleet's other active and canary
    /// tables, and making it `canary` supersedes the other canary.
    /// - Parameters:
    ///   - fleet: The table's fleet.
    ///   - version: The table's version.
    ///   - status: The new status.
    /// - Returns: The updated record.
    /// - Throws: ``HistoryStoreError/tableNotFound(fleet:version:)`` if no such table is stored.
    @discardableResult
    public func updateTableStatus(fleet: String, version: UInt64, to status: TableStatus) async throws
        -> ThresholdTableRecord
    {
        let storedVersion = try FieldRule.storableVersion(version, "version")
        return try await write { db in
            guard var table = try Self.fetchTable(fleet: fleet, version: storedVersion, in: db) else {
                throw HistoryStoreError.tableNotFound(fleet: fleet, version: version)
            }
            if table.status == status { return table }
            try db.execute(
                sql: "UPDATE threshold_table SET status = 'superseded' WHERE fleet = ? AND version = ?",
                arguments: [fleet, storedVersion]
            )
            try Self.releaseSlot(of: status, fleet: fleet, in: db)
            try db.execute(
                sql: "UPDATE threshold_table SET status = ? WHERE fleet = ? AND version = ?",
                arguments: [status.rawValue, fleet, storedVersion]
            )
            table.status = status
            return table
        }
    }

    /// The fleet's table with the highest version, whatever its status.
    /// - Parameter fleet: The fleet.
    /// - Returns: The newest table, or nil when the fleet has none.
    public func latestTable(fleet: String) async throws -> ThresholdTableRecord? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM threshold_table WHERE fleet = ? ORDER BY version DESC LIMIT 1",
                arguments: [fleet]
            ).map(ThresholdTableRecord.init(row:))
        }
    }

    /// The highest-version table of every fleet, ordered by fleet (what `serve` loads at start).
    /// - Complexity: O(tables × log tables): one primary-key lookup of the fleet's maximum per stored table.
    public func latestTables() async throws -> [ThresholdTableRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.* FROM threshold_table AS t
                    WHERE t.version = (SELECT MAX(version) FROM threshold_table WHERE fleet = t.fleet)
                    ORDER BY t.fleet
                    """
            ).map(ThresholdTableRecord.init(row:))
        }
    }

    /// One table by fleet and version.
    /// - Returns: The table, or nil when it is not stored.
    public func table(fleet: String, version: UInt64) async throws -> ThresholdTableRecord? {
        guard let storedVersion = Int64(exactly: version) else { return nil }
        return try await read { db in try Self.fetchTable(fleet: fleet, version: storedVersion, in: db) }
    }

    /// The highest version ever stored for a fleet; retention never removes it, so it survives restarts.
    /// - Returns: The highest version, or nil when the fleet has no table.
    public func highestTableVersion(fleet: String) async throws -> UInt64? {
        try await read { db in try Self.fetchHighestVersion(fleet: fleet, in: db) }
    }

    /// Tables matching a query, newest `created_at` first (then highest version).
    /// - Parameters:
    ///   - query: Fleet, `created_at` range and limit.
    ///   - status: Only tables in this state, when given.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    public func tables(_ query: HistoryQuery, status: TableStatus? = nil) async throws -> [ThresholdTableRecord] {
        try query.validate()
        let clauses = query.clauses(
            timeColumn: "created_at",
            tieBreak: "version DESC",
            conditions: status.map { [("status = ?", $0.rawValue)] } ?? []
        )
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM threshold_table" + clauses.sql, arguments: clauses.arguments)
                .map(ThresholdTableRecord.init(row:))
        }
    }

    private static func fetchTable(fleet: String, version: Int64, in db: Database) throws -> ThresholdTableRecord? {
        try Row.fetchOne(
            db,
            sql: "SELECT * FROM threshold_table WHERE fleet = ? AND version = ?",
            arguments: [fleet, version]
        ).map(ThresholdTableRecord.init(row:))
    }

    private static func fetchHighestVersion(fleet: String, in db: Database) throws -> UInt64? {
        let highest = try Int64.fetchOne(
            db,
            sql: "SELECT MAX(version) FROM threshold_table WHERE fleet = ?",
            arguments: [fleet]
        )
        return highest.flatMap { UInt64(exactly: $0) }
    }

    private static func checkVersionIsNew(_ fleet: String, _ version: UInt64, in db: Database) throws {
        guard let highest = try fetchHighestVersion(fleet: fleet, in: db) else { return }
        if try fetchTable(fleet: fleet, version: Int64(version), in: db) != nil {
            throw HistoryStoreError.duplicateTableVersion(fleet: fleet, version: version)
        }
        if version < highest {
            throw HistoryStoreError.tableVersionNotIncreasing(fleet: fleet, version: version, highest: highest)
        }
    }

    /// Supersedes whichever table holds the single `active` or `canary` slot that `status` is about to take.
    private static func releaseSlot(of status: TableStatus, fleet: String, in db: Database) throws {
        let released: [TableStatus] =
            switch status {
            case .active: [.active, .canary]
            case .canary: [.canary]
            case .superseded, .rolledBack: []
            }
        for held in released {
            try db.execute(
                sql: "UPDATE threshold_table SET status = 'superseded' WHERE fleet = ? AND status = ?",
                arguments: [fleet, held.rawValue]
            )
        }
    }
}
