public import ConsRouteModel

/// Where a replay's full-information events come from: a scenario's generator or an event file.
public protocol ReplayEventSource {
    /// The next event in time order, or nil at the end.
    ///
    /// - Throws: the source's error for a malformed event.
    mutating func nextEvent() throws -> TelemetryEvent?
}

extension ScenarioGenerator: ReplayEventSource {
    /// The next generated event (never throws).
    public mutating func nextEvent() -> TelemetryEvent? { next() }
}
