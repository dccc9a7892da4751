/// Bounds on telemetry values beyond the wire format's own (docs/design.md §4 validation; issue 14): a value outside them is
/// a rejection reason like the others, so that one hostile or broken sender cannot crash the controller, grow
/// history without bound, or skew the statistics every other device contributes to.
public struct TelemetryLimits: Sendable, Equatable {
    /// How far an event's `time_unix_ms` may lie from the reference time (the broker's timestamp of the message, or
    /// now) in either direction; beyond it the event is rejected as `bad_time`. Default one day.
    public var eventTimeWindowMs: Int64
    /// The largest `latency_ms` (served and shadow) accepted; default one hour.
    public var maximumLatencyMs: Float
    /// The largest `cost` (served and shadow) accepted; default 1,000 (in the telemetry's cost unit).
    public var maximumCost: Float
    /// Cluster ids accepted are below this; default 65,536 (tables hold tens of clusters; ids grow slowly as
    /// re-clusterings add new clusters).
    public var clusterIDLimit: UInt32

    /// - Parameters:
    ///   - eventTimeWindowMs: the accepted distance of the event time from the reference time, positive.
    ///   - maximumLatencyMs: the largest latency accepted.
    ///   - maximumCost: the largest cost accepted.
    ///   - clusterIDLimit: cluster ids accepted are below it.
    public init(
        eventTimeWindowMs: Int64 = 86_400_000,
        maximumLatencyMs: Float = 3_600_000,
        maximumCost: Float = 1_000,
        clusterIDLimit: UInt32 = 65_536
    ) {
        self.eventTimeWindowMs = eventTimeWindowMs
        self.maximumLatencyMs = maximumLatencyMs
        self.maximumCost = maximumCost
        self.clusterIDLimit = clusterIDLimit
    }

    /// Whether `time` lies within the window around `reference`, computed without overflow for any two values.
    public func isTimeAcceptable(_ time: Int64, reference: Int64) -> Bool {
        let (distance, overflow) = time.subtractingReportingOverflow(reference)
        return !overflow && distance.magnitude <= eventTimeWindowMs.magnitude
    }
}
