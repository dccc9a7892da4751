/// Why a telemetry message was rejected (docs/design.md §4). Every rejection goes to the dead-letter topic with
/// `code` in a header and is counted under that code.
public enum TelemetryRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message is larger than the limit (64 KiB by default).
    case oversize(bytes: Int, limit: Int)
    /// Not a parsable message: truncated or invalid protobuf, invalid JSON, invalid UTF-8 in a string.
    case malformed(String)
    /// `event_id` is not 16 bytes.
    case badEventID(length: Int)
    /// The fleet is not configured.
    case unknownFleet(String)
    /// `representation` does not have the fleet's dimension.
    case wrongDimension(fleet: String, expected: Int, actual: Int)
    /// A float field is NaN or infinite.
    case nonFinite(field: String)
    /// A score is outside [0, 1].
    case scoreOutOfRange(field: String, value: Float)
    /// A latency or cost is negative.
    case negative(field: String, value: Float)
    /// `tier` is unset (`TIER_UNSPECIFIED`).
    case tierUnset
    /// A tier field holds a number that is no tier.
    case unknownTier(field: String, value: Int)
    /// A shadow array does not have exactly 3 values (device, edge, cloud).
    case shadowLength(field: String, count: Int)
    /// The `event_id` was seen before within the dedupe window.
    case duplicate(EventID)
    /// `time_unix_ms` is too far from the broker's timestamp (or now): outside `TelemetryLimits.eventTimeWindowMs`.
    case badTime(timeUnixMs: Int64, referenceMs: Int64, windowMs: Int64)
    /// A value is above its configured maximum (`TelemetryLimits`): a latency, a cost or a cluster id.
    case outOfBounds(field: String, value: Double, limit: Double)

    /// A stable, low-cardinality label: the DLQ header value and the metric label.
    public var code: String {
        switch self {
        case .oversize: "oversize"
        case .malformed: "malformed"
        case .badEventID: "bad_event_id"
        case .unknownFleet: "unknown_fleet"
        case .wrongDimension: "wrong_dimension"
        case .nonFinite: "non_finite"
        case .scoreOutOfRange: "score_out_of_range"
        case .negative: "negative_value"
        case .tierUnset: "tier_unset"
        case .unknownTier: "unknown_tier"
        case .shadowLength: "shadow_length"
        case .duplicate: "duplicate"
        case .badTime: "bad_time"
        case .outOfBounds: "out_of_bounds"
        }
    }

    /// Every code, for pre-registering counters.
    public static let allCodes = [
        "oversize", "malformed", "bad_event_id", "unknown_fleet", "wrong_dimension", "non_finite",
        "score_out_of_range", "negative_value", "tier_unset", "unknown_tier", "shadow_length", "duplicate", "bad_time",
        "out_of_bounds",
    ]

    public var description: String {
        switch self {
        case .oversize(let bytes, let limit): "message is \(bytes) bytes, over the \(limit)-byte limit"
        case .malformed(let reason): "malformed message: \(reason)"
        case .badEventID(let length): "event_id must be 16 bytes, is \(length)"
        case .unknownFleet(let fleet): "unknown fleet \"\(fleet)\""
        case .wrongDimension(let fleet, let expected, let actual):
            "representation has \(actual) values, fleet \(fleet) has dimension \(expected)"
        case .nonFinite(let field): "\(field) is not finite"
        case .scoreOutOfRange(let field, let value): "\(field) is \(value), outside [0, 1]"
        case .negative(let field, let value): "\(field) is \(value), must be >= 0"
        case .tierUnset: "tier is unset (TIER_UNSPECIFIED)"
        case .unknownTier(let field, let value): "\(field) is \(value), not a tier"
        case .shadowLength(let field, let count): "shadow.\(field) has \(count) values, must have 3"
        case .duplicate(let id): "duplicate event_id \(id)"
        case .badTime(let time, let reference, let window):
            "time_unix_ms \(time) is more than \(window) ms from the reference time \(reference) (broker timestamp or now)"
        case .outOfBounds(let field, let value, let limit): "\(field) is \(value), above the limit \(limit)"
        }
    }
}
