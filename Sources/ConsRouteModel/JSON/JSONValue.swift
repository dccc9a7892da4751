/// A JSON document as a tree that keeps every number exactly as written.
///
/// Numbers stay literal text so that a table can be re-serialised canonically by any verifier without
/// a round trip through binary floating point: the canonical bytes of a parsed table are the bytes the
/// signer signed, unknown fields included (forward compatible: a newer controller may add fields).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as its literal text (validated against the JSON number grammar when parsed).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object; keys are unique (the parser rejects duplicates).
    case object([String: JSONValue])
}

extension JSONValue {
    /// A number value from a float, written as its shortest round-trip decimal.
    public init(_ value: Float) { self = .number(JSONValue.literal(value)) }

    /// A number value from a double, written as its shortest round-trip decimal.
    public init(_ value: Double) { self = .number(JSONValue.literal(value)) }

    /// A number value from an integer.
    public init<I: BinaryInteger>(integer value: I) { self = .number(String(value)) }

    /// The shortest decimal that reads back as exactly `value` (Swift's `description`), with an
    /// integral value written without a fractional part (`1` rather than `1.0`).
    static func literal<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> String {
        precondition(value.isFinite, "JSON has no representation for \(value)")
        if value == 0 { return "0" }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
