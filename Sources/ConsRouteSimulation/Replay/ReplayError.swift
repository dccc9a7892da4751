/// Why a replay could not run.
public enum ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source held no event.
    case noEvents
    /// An event lacks `shadow`: a replay needs full-information events (every tier's outcome).
    case missingShadow(event: Int)
    /// An event's representation does not have the fleet's dimension.
    case wrongDimension(event: Int, expected: Int, actual: Int)
    /// An event's time is more than ``ReplayRunner/maximumTimeJumpMs`` from the previous event's: an unset or
    /// corrupt clock (ingest dead-letters such events as `bad_time`), which would stall the replay's clock.
    case badTime(event: Int, timeUnixMs: Int64, previousMs: Int64)
    /// The controller configuration given to the replay does not fit it (no such fleet, several, another d).
    case configuration(String)

    /// Whether the error is about one event (``ReplaySettings/skipInvalid`` skips such events), not the whole
    /// input or the configuration.
    public var isAboutOneEvent: Bool {
        switch self {
        case .missingShadow, .wrongDimension, .badTime: true
        case .noEvents, .configuration: false
        }
    }

    /// The message, naming the event at fault.
    public var description: String {
        switch self {
        case .noEvents: "the input holds no event"
        case .missingShadow(let event):
            "event \(event): shadow is missing; a replay needs full-information events "
                + "(every tier's score, latency and cost)"
        case .wrongDimension(let event, let expected, let actual):
            "event \(event): representation has \(actual) values, the fleet's dimension is \(expected)"
        case .badTime(let event, let time, let previous):
            "event \(event): time_unix_ms \(time) is more than a year from the previous event's \(previous) (an "
                + "unset or corrupt clock; ingest dead-letters such events as bad_time): fix or drop it"
        case .configuration(let reason): reason
        }
    }
}
