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

/// Another source's events, re-timed at a fixed rate: the `i`-th event delivered (from 0) gets the first event's
/// time plus `i / eventsPerSecond` seconds (whole milliseconds, rounded down, as a scenario times its events), in
/// the order read. For a recording whose clock is not the traffic's (a benchmark that ran its queries as fast as it
/// could, or stamped them all alike): the control loop's timing (debounce, minimum interval, schedule) is in event
/// time, and on such a clock it would see every event at once.
public struct RetimedEventSource<Base: ReplayEventSource>: ReplayEventSource {
    /// The source read.
    public var base: Base
    /// The rate events are re-timed at, > 0.
    public let eventsPerSecond: Double
    private var firstMs: Int64?
    private var delivered = 0

    /// - Parameters:
    ///   - base: the events, in the order they are to be replayed.
    ///   - eventsPerSecond: the rate, > 0 and finite.
    public init(_ base: Base, eventsPerSecond: Double) {
        precondition(eventsPerSecond > 0 && eventsPerSecond.isFinite, "eventsPerSecond must be > 0 and finite")
        self.base = base
        self.eventsPerSecond = eventsPerSecond
    }

    /// The base's next event with its re-timed `timeUnixMs`.
    public mutating func nextEvent() throws -> TelemetryEvent? {
        guard var event = try base.nextEvent() else { return nil }
        let first = firstMs ?? event.timeUnixMs
        firstMs = first
        event.timeUnixMs = first.saturatingAdding(Int64((Double(delivered) * 1_000 / eventsPerSecond).rounded(.down)))
        delivered += 1
        return event
    }

    /// As the base's.
    public var canSkipLastFault: Bool { base.canSkipLastFault }
}
