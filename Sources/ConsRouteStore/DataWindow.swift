/// The slice of telemetry a drift statistic or a re-cluster was computed over.
///
/// Times are unix milliseconds, `start` inclusive and `end` exclusive. Telemetry is keyed by fleet, so one
/// fleet's events sit in one partition and one offset range describes them; the offsets are optional for
/// computations that only know times.
public struct DataWindow: Sendable, Hashable {
    /// First event time in the window, unix milliseconds, inclusive.
    public var start: Int64
    /// End of the window, unix milliseconds, exclusive.
    public var end: Int64
    /// Kafka offset of the first event in the window, if known.
    public var firstOffset: Int64?
    /// Kafka offset just past the last event in the window, if known.
    public var endOffset: Int64?

    /// Creates a window.
    /// - Parameters:
    ///   - start: First event time, unix milliseconds, inclusive.
    ///   - end: End time, unix milliseconds, exclusive; not before `start`.
    ///   - firstOffset: Offset of the first event, if known.
    ///   - endOffset: Offset just past the last event, if known; not before `firstOffset`.
    public init(start: Int64, end: Int64, firstOffset: Int64? = nil, endOffset: Int64? = nil) {
        self.start = start
        self.end = end
        self.firstOffset = firstOffset
        self.endOffset = endOffset
    }

    func validate(_ field: String) throws {
        if end < start {
            throw HistoryStoreError.invalidField(field: "\(field).end", reason: "\(end) is before start \(start)")
        }
        if let firstOffset { try FieldRule.nonNegative(firstOffset, "\(field).firstOffset") }
        if let firstOffset, let endOffset, endOffset < firstOffset {
            throw HistoryStoreError.invalidField(
                field: "\(field).endOffset",
                reason: "\(endOffset) is before firstOffset \(firstOffset)"
            )
        }
    }
}
