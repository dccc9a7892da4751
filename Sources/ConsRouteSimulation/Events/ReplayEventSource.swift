public import ConsRouteModel

/// Where a replay's full-information events come from: a scenario's generator or an event file.
public protocol ReplayEventSource {
    /// The next event in time order, or nil at the end.
    ///
    /// - Throws: the source's error for a malformed event.
    mutating func nextEvent() throws -> TelemetryEvent?

    /// Whether, after `nextEvent` threw, the source can go on with the record after the bad one (a bad JSON line:
    /// yes; a broken length prefix: no, the records after it cannot be found).
    var canSkipLastFault: Bool { get }
}

extension ReplayEventSource {
    /// By default a source's error ends it.
    public var canSkipLastFault: Bool { false }
}

extension ScenarioGenerator: ReplayEventSource {
    /// The next generated event (never throws).
    public mutating func nextEvent() -> TelemetryEvent? { next() }
}
