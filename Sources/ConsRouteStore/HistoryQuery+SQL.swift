import ConsRouteModel
import GRDB

extension HistoryQuery {
    /// The WHERE clause selecting the query's fleet and time range, with its arguments.
    /// - Parameters:
    ///   - timeColumn: The column `since` and `until` filter on.
    ///   - conditions: Extra conditions ANDed with the query's own, with their arguments in order.
    func filter(
        timeColumn: String,
        conditions: [(sql: String, argument: (any DatabaseValueConvertible)?)] = []
    ) -> (sql: String, arguments: StatementArguments) {
        var terms: [String] = []
        var arguments = StatementArguments()
        if let fleet {
            terms.append("fleet = ?")
            arguments += [fleet]
        }
        if let since {
            terms.append("\(timeColumn) >= ?")
            arguments += [since]
        }
        if let until {
            terms.append("\(timeColumn) < ?")
            arguments += [until]
        }
        for condition in conditions {
            terms.append(condition.sql)
            arguments += [condition.argument]
        }
        return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), arguments)
    }

    /// The WHERE, ORDER BY and LIMIT clauses of a newest-first read, with their arguments.
    /// - Parameters:
    ///   - timeColumn: The column `since` and `until` filter on and rows are ordered by (newest first).
    ///   - tieBreak: Further ORDER BY terms for rows with the same time, e.g. `"version DESC"`.
    ///   - conditions: Extra conditions ANDed with the query's own, with their arguments in order.
    func clauses(
        timeColumn: String,
        tieBreak: String,
        conditions: [(sql: String, argument: (any DatabaseValueConvertible)?)] = []
    ) -> (sql: String, arguments: StatementArguments) {
        var (sql, arguments) = filter(timeColumn: timeColumn, conditions: conditions)
        sql += " ORDER BY \(timeColumn) DESC, \(tieBreak)"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        return (sql, arguments)
    }
}

extension Tier {
    /// An ORDER BY term sorting a `tier` column by capability (device, edge, cloud) rather than alphabetically.
    static let orderSQL = "CASE tier WHEN 'device' THEN 0 WHEN 'edge' THEN 1 ELSE 2 END"
}
