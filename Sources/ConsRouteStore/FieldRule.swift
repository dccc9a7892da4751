/// Checks applied to record fields before they reach SQLite, so a bad value is reported with its field name.
enum FieldRule {
    static func nonEmpty(_ value: String, _ field: String) throws {
        if value.isEmpty { throw HistoryStoreError.invalidField(field: field, reason: "must not be empty") }
    }

    static func finite(_ value: Double, _ field: String) throws {
        if !value.isFinite {
            throw HistoryStoreError.invalidField(field: field, reason: "must be finite, got \(value)")
        }
    }

    static func nonNegative(_ value: Double, _ field: String) throws {
        try finite(value, field)
        if value < 0 { throw HistoryStoreError.invalidField(field: field, reason: "must be >= 0, got \(value)") }
    }

    static func nonNegative(_ value: Int64, _ field: String) throws {
        if value < 0 { throw HistoryStoreError.invalidField(field: field, reason: "must be >= 0, got \(value)") }
    }

    static func unitInterval(_ value: Double, _ field: String) throws {
        try finite(value, field)
        if !(0...1).contains(value) {
            throw HistoryStoreError.invalidField(field: field, reason: "must be in [0, 1], got \(value)")
        }
    }

    static func nonNegative(_ value: Duration, _ field: String) throws {
        if value < .zero { throw HistoryStoreError.invalidField(field: field, reason: "must be >= 0, got \(value)") }
    }

    /// A table version as SQLite stores it: 1 ... Int64.max.
    static func storableVersion(_ value: UInt64, _ field: String) throws -> Int64 {
        guard value > 0, let stored = Int64(exactly: value) else {
            throw HistoryStoreError.invalidField(field: field, reason: "must be in 1...\(Int64.max), got \(value)")
        }
        return stored
    }
}
