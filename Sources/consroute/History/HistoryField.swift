import ConsRouteModel
import Foundation

/// One field of a history row: its JSON name, its text-table header, and its value.
///
/// A field with no `key` appears only in the text table (a summary column); one with no `header` only in JSON
/// (detail that would make the table too wide).
struct HistoryField: Equatable {
    /// What a field holds; decides how it reads in a text table and how it is written in JSON.
    enum Value: Equatable {
        /// Text, or absent.
        case text(String?)
        /// A whole number, or absent.
        case integer(Int64?)
        /// A measured number, or absent (a non-finite number is written as absent).
        case number(Double?)
        /// A time as unix milliseconds (JSON) and ISO-8601 UTC to the second (text), or absent.
        case time(Int64?)
        /// A list of ids.
        case ids([UInt32])
        /// Counts by name, e.g. rejections by reason.
        case counts([String: Int64])
    }

    /// The JSON member name (snake_case), or nil for a text-only column.
    let key: String?
    /// The text-table column header, or nil for a JSON-only member.
    let header: String?
    /// The value.
    let value: Value

    /// A field shown in both forms.
    init(_ key: String, _ header: String, _ value: Value) {
        self.init(key: key, header: header, value: value)
    }

    /// A field with explicit visibility.
    init(key: String?, header: String?, value: Value) {
        precondition(key != nil || header != nil, "a history field must appear in JSON or in the text table")
        self.key = key
        self.header = header
        self.value = value
    }

    /// A member written only to JSON.
    static func jsonOnly(_ key: String, _ value: Value) -> HistoryField {
        HistoryField(key: key, header: nil, value: value)
    }

    /// A column shown only in the text table.
    static func textOnly(_ header: String, _ value: Value) -> HistoryField {
        HistoryField(key: nil, header: header, value: value)
    }
}

extension HistoryField.Value {
    /// How the value reads in a text table: `-` when absent, numbers to four significant digits.
    var text: String {
        switch self {
        case .text(let text): text ?? "-"
        case .integer(let value): value.map(String.init) ?? "-"
        case .number(let value): value.flatMap { $0.isFinite ? format($0) : nil } ?? "-"
        case .time(let ms): ms.map(Self.utcSeconds) ?? "-"
        case .ids(let ids): ids.isEmpty ? "-" : ids.map(String.init).joined(separator: ",")
        case .counts(let counts):
            counts.isEmpty
                ? "-" : counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// Whether the text table right-aligns the value (numbers and times do).
    var alignsRight: Bool {
        switch self {
        case .integer, .number: true
        case .text, .time, .ids, .counts: false
        }
    }

    /// The value as JSON: times as unix milliseconds, absent values as `null`.
    var json: JSONValue {
        switch self {
        case .text(let text): text.map(JSONValue.string) ?? .null
        case .integer(let value), .time(let value): value.map { JSONValue(integer: $0) } ?? .null
        case .number(let value): value.flatMap { $0.isFinite ? JSONValue($0) : nil } ?? .null
        case .ids(let ids): .array(ids.map { JSONValue(integer: $0) })
        case .counts(let counts): .object(counts.mapValues { JSONValue(integer: $0) })
        }
    }

    private static let iso8601 = Date.ISO8601FormatStyle()

    private static func utcSeconds(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(iso8601)
    }
}
