/// Which history rows to read: an optional fleet, an optional time range and an optional row limit.
///
/// Times are unix milliseconds; `since` is inclusive and `until` exclusive. Each read names the time column
/// it filters on (a table's `created_at`, a drift event's `detected_at`, a run's `started_at`, a statistics
/// bucket's `bucket_start`). Lists come newest first, so `limit` keeps the latest N.
public struct HistoryQuery: Sendable, Hashable {
    /// Only rows of this fleet; all fleets when nil.
    public var fleet: String?
    /// Only rows at or after this time, unix milliseconds.
    public var since: Int64?
    /// Only rows before this time, unix milliseconds.
    public var until: Int64?
    /// At most this many rows (the newest); all when nil.
    public var limit: Int?

    /// Creates a query; every filter is optional.
    /// - Parameters:
    ///   - fleet: Only rows of this fleet.
    ///   - since: Only rows at or after this unix-millisecond time.
    ///   - until: Only rows before this unix-millisecond time.
    ///   - limit: At most this many rows, newest first; must be positive.
    public init(fleet: String? = nil, since: Int64? = nil, until: Int64? = nil, limit: Int? = nil) {
        self.fleet = fleet
        self.since = since
        self.until = until
        self.limit = limit
    }

    func validate() throws {
        if let fleet { try FieldRule.nonEmpty(fleet, "query.fleet") }
        if let limit, limit <= 0 {
            throw HistoryStoreError.invalidField(field: "query.limit", reason: "must be positive, got \(limit)")
        }
        if let since, let until, until < since {
            throw HistoryStoreError.invalidField(field: "query.until", reason: "\(until) is before since \(since)")
        }
    }
}
