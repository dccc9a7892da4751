import Foundation
import GRDB

extension HistoryStore {
    /// Inserts a record another replica recorded (read from the history topic), unless its key is stored.
    ///
    /// Every row of the change goes in one transaction; a record whose main row's key is stored (applied before, the
    /// topic read again, or this replica's own record read back) changes nothing. Columns are checked against this
    /// history's schema and values bound as arguments, so a hostile record cannot name a table or column of its own.
    /// - Returns: whether the record was new here.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a table or column this history does not have,
    ///   a row of another fleet, or a row the schema's checks refuse (nothing of the change is written then).
    @discardableResult
    public func apply(_ change: HistoryChange) async throws -> Bool {
        let allowed = change.kind.tables
        guard let main = change.rows[change.kind.rawValue], main.count == 1 else {
            throw HistoryStoreError.invalidField(
                field: "history change",
                reason: "a \(change.kind.rawValue) record has exactly one \(change.kind.rawValue) row"
            )
        }
        if let other = change.rows.keys.first(where: { !allowed.contains($0) }) {
            throw HistoryStoreError.invalidField(
                field: "history change table",
                reason: "a \(change.kind.rawValue) record writes \(allowed.joined(separator: ", ")), not '\(other)'"
            )
        }
        guard case .text(change.fleet) = main[0]["fleet"] else {
            throw HistoryStoreError.invalidField(
                field: "history change fleet",
                reason: "the \(change.kind.rawValue) row's fleet is not the record's fleet '\(change.fleet)'"
            )
        }
        return try await write { db in
            var inserted = false
            for table in allowed {
                let columns = Set(try db.columns(in: table).map(\.name))
                for row in change.rows[table] ?? [] {
                    let names = row.keys.sorted()
                    if let unknown = names.first(where: { !columns.contains($0) }) {
                        throw HistoryStoreError.invalidField(
                            field: "history change column",
                            reason: "history table '\(table)' has no column '\(unknown)' (a newer consroute wrote it?)"
                        )
                    }
                    let sql =
                        "INSERT INTO \(table) ("
                        + names.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES ("
                        + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
                    do {
                        try db.execute(
                            sql: sql,
                            arguments: StatementArguments(names.map { row[$0]!.databaseValue })
                        )
                        if table == change.kind.rawValue { inserted = true }
                    } catch let error as DatabaseError
                        where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
                        || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
                    {
                        // Stored already (applied before, or recorded here): the record is not new. (Not `INSERT OR
                        // IGNORE`, which would also skip rows that fail the schema's checks without a word.)
                        if table == change.kind.rawValue { break }
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        throw HistoryStoreError.invalidField(
                            field: "history change row",
                            reason: "history table '\(table)' refuses it: \(error.message ?? "a constraint failed")"
                        )
                    }
                }
                if table == change.kind.rawValue && !inserted { break }
            }
            return inserted
        }
    }

    /// Changes recorded here and not yet removed from the history outbox, oldest first (only a store that
    /// ``sharesChanges`` writes them).
    /// - Parameter limit: The most to return.
    public func pendingChanges(limit: Int = 200) async throws -> [PendingHistoryChange] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT sequence, fleet, change FROM history_outbox ORDER BY sequence LIMIT ?",
                arguments: [max(1, limit)]
            ).map { row in
                PendingHistoryChange(
                    sequence: row["sequence"],
                    fleet: row["fleet"],
                    encoded: Array(row["change"] as Data)
                )
            }
        }
    }

    /// Removes outbox changes up to and including `sequence` (they reached the history topic).
    public func removeChanges(throughSequence sequence: Int64) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM history_outbox WHERE sequence <= ?", arguments: [sequence])
        }
    }

    /// When this store shares changes, writes the record just inserted (its rows, read in the recording transaction)
    /// to the outbox in that transaction; otherwise does nothing.
    func shareRecorded(
        _ kind: HistoryChange.Kind,
        fleet: String,
        key: [String: any DatabaseValueConvertible],
        in db: Database
    ) throws {
        guard sharesChanges else { return }
        let names = key.keys.sorted()
        let condition = names.map { "\"\($0)\" = ?" }.joined(separator: " AND ")
        let arguments = StatementArguments(names.map { key[$0] as (any DatabaseValueConvertible)? })
        var rows: [String: [[String: HistoryChange.Value]]] = [:]
        rows[kind.rawValue] = try Row.fetchAll(
            db,
            sql: "SELECT * FROM \(kind.rawValue) WHERE \(condition)",
            arguments: arguments
        ).map(Self.values)
        if kind == .optimiserRun, let id = key["id"] {
            rows["optimiser_trial"] = try Row.fetchAll(
                db,
                sql: "SELECT * FROM optimiser_trial WHERE run_id = ? ORDER BY iteration",
                arguments: [id]
            ).map(Self.values)
        }
        let change = HistoryChange(kind: kind, fleet: fleet, rows: rows)
        try db.execute(
            sql: "INSERT INTO history_outbox (fleet, change) VALUES (?, ?)",
            arguments: [fleet, Data(try change.encoded())]
        )
        let doorbell = outboxDoorbell
        db.afterNextTransaction { _ in doorbell.ring() }
    }

    /// Returns once a change was written to the history outbox since the last call (at once if one was), after
    /// `timeout`, or when the task is cancelled: what an outbox forwarder waits on instead of polling an empty
    /// outbox.
    public func waitForOutbox(atMost timeout: Duration) async {
        await outboxDoorbell.wait(atMost: timeout)
    }

    private static func values(_ row: Row) -> [String: HistoryChange.Value] {
        var values: [String: HistoryChange.Value] = [:]
        for (column, value) in row {
            values[column] =
                switch value.storage {
                case .null: .null
                case .int64(let integer): .integer(integer)
                case .double(let real): .real(real)
                case .string(let text): .text(text)
                case .blob(let data): .blob(Array(data))
                }
        }
        return values
    }
}

extension HistoryChange.Value {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}

/// A change waiting in the history outbox.
public struct PendingHistoryChange: Sendable, Hashable {
    /// Its place in the outbox (increasing in recording order).
    public let sequence: Int64
    /// The fleet it belongs to.
    public let fleet: String
    /// ``HistoryChange/encoded()``.
    public let encoded: [UInt8]
}
