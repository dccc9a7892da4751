import ConsRouteModel
import GRDB

extension Row {
    /// Decodes a text column into a `RawRepresentable` enum, naming the table and column when the text is unknown.
    func decodeEnum<Value: RawRepresentable>(
        _ type: Value.Type = Value.self,
        column: String,
        table: String
    ) throws -> Value where Value.RawValue == String {
        let text: String = try decode(forColumn: column)
        guard let value = Value(rawValue: text) else {
            throw HistoryStoreError.unreadableRow(table: table, column: column, value: text)
        }
        return value
    }

    /// Decodes an optional text column into a `RawRepresentable` enum.
    func decodeOptionalEnum<Value: RawRepresentable>(
        _ type: Value.Type = Value.self,
        column: String,
        table: String
    ) throws -> Value? where Value.RawValue == String {
        let text: String? = try decode(forColumn: column)
        return try text.map { text in
            guard let value = Value(rawValue: text) else {
                throw HistoryStoreError.unreadableRow(table: table, column: column, value: text)
            }
            return value
        }
    }

    /// Decodes a `tier` text column (`device`, `edge`, `cloud`), naming the table and column when the text is unknown.
    func decodeTier(column: String, table: String) throws -> Tier {
        let text: String = try decode(forColumn: column)
        guard let tier = Tier(name: text) else {
            throw HistoryStoreError.unreadableRow(table: table, column: column, value: text)
        }
        return tier
    }

    /// Decodes an optional `tier` text column.
    func decodeOptionalTier(column: String, table: String) throws -> Tier? {
        let text: String? = try decode(forColumn: column)
        return try text.map { text in
            guard let tier = Tier(name: text) else {
                throw HistoryStoreError.unreadableRow(table: table, column: column, value: text)
            }
            return tier
        }
    }

    /// Decodes a positive INTEGER column as a table version.
    func decodeVersion(column: String, table: String) throws -> UInt64 {
        let stored: Int64 = try decode(forColumn: column)
        guard let version = UInt64(exactly: stored), version > 0 else {
            throw HistoryStoreError.unreadableRow(table: table, column: column, value: String(stored))
        }
        return version
    }

    /// Decodes a REAL column of milliseconds as a `Duration`.
    func decodeDuration(column: String) throws -> Duration {
        .milliseconds(try decode(Double.self, forColumn: column))
    }

    /// Decodes the four `window_*` columns written by `DataWindow.arguments`.
    func decodeDataWindow() throws -> DataWindow {
        DataWindow(
            start: try decode(forColumn: "window_start"),
            end: try decode(forColumn: "window_end"),
            firstOffset: try decode(forColumn: "window_first_offset"),
            endOffset: try decode(forColumn: "window_end_offset")
        )
    }

    /// Decodes the `trigger_kind` and `trigger_ref` columns.
    func decodeTrigger(table: String) throws -> HistoryTrigger {
        try HistoryTrigger(
            kind: try decode(forColumn: "trigger_kind"),
            reference: try decode(forColumn: "trigger_ref"),
            table: table
        )
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds, as the schema stores durations.
    var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }
}
