public import ConsRouteModel
import GRDB

/// The statistics of one fleet, cluster and tier over one time bucket.
///
/// In an ``IngestEffect`` it is a *delta*: its sums are added to the stored bucket with the same key
/// (created at zero if absent). Read back, it is the bucket's running total. The bucket width is the
/// caller's choice; `bucketStart` is its start in unix milliseconds.
public struct WindowStatisticsBucket: Sendable, Hashable {
    /// The fleet.
    public var fleet: String
    /// The cluster the router assigned.
    public var cluster: UInt32
    /// The tier that served the events.
    public var tier: Tier
    /// Start of the time bucket, unix milliseconds.
    public var bucketStart: Int64
    /// The counts and sums.
    public var sums: StatisticsSums

    /// Creates a bucket (or a delta to one).
    /// - Parameters:
    ///   - fleet: The fleet; not empty.
    ///   - cluster: The cluster.
    ///   - tier: The serving tier.
    ///   - bucketStart: Bucket start, unix milliseconds.
    ///   - sums: Counts and sums; non-negative and finite.
    public init(fleet: String, cluster: UInt32, tier: Tier, bucketStart: Int64, sums: StatisticsSums) {
        self.fleet = fleet
        self.cluster = cluster
        self.tier = tier
        self.bucketStart = bucketStart
        self.sums = sums
    }
}

extension WindowStatisticsBucket {
    static let tableName = "window_statistics"

    /// Most rows one UPSERT statement carries (12 parameters each, far below SQLite's 32,766-parameter limit).
    static let rowsPerUpsert = 64

    /// An UPSERT of `rows` buckets in one statement; SQLite applies the rows in order, so several deltas with
    /// the same key all add up.
    static func upsertSQL(rows: Int) -> String {
        let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(
            separator: ", "
        )
        return """
            INSERT INTO window_statistics (fleet, cluster, tier, bucket_start, event_count, shadow_count,
                latency_sum, latency_square_sum, cost_sum, cost_square_sum, served_score_sum, served_score_square_sum,
                cloud_score_sum, cloud_latency_sum, cloud_cost_sum)
            VALUES \(values)
            ON CONFLICT (fleet, cluster, tier, bucket_start) DO UPDATE SET
                event_count = event_count + excluded.event_count,
                shadow_count = shadow_count + excluded.shadow_count,
                latency_sum = latency_sum + excluded.latency_sum,
                latency_square_sum = latency_square_sum + excluded.latency_square_sum,
                cost_sum = cost_sum + excluded.cost_sum,
                cost_square_sum = cost_square_sum + excluded.cost_square_sum,
                served_score_sum = served_score_sum + excluded.served_score_sum,
                served_score_square_sum = served_score_square_sum + excluded.served_score_square_sum,
                cloud_score_sum = cloud_score_sum + excluded.cloud_score_sum,
                cloud_latency_sum = cloud_latency_sum + excluded.cloud_latency_sum,
                cloud_cost_sum = cloud_cost_sum + excluded.cloud_cost_sum
            """
    }

    init(row: Row) throws {
        fleet = try row.decode(forColumn: "fleet")
        cluster = try row.decode(forColumn: "cluster")
        tier = try row.decodeTier(column: "tier", table: Self.tableName)
        bucketStart = try row.decode(forColumn: "bucket_start")
        sums = try StatisticsSums(row: row)
    }

    /// Checks every field and returns the upsert arguments.
    func validatedArguments(_ field: String) throws -> StatementArguments {
        try FieldRule.nonEmpty(fleet, "\(field).fleet")
        try sums.validate("\(field).sums")
        return [
            fleet, cluster, tier.description, bucketStart, sums.eventCount, sums.shadowCount,
            sums.latencySum, sums.latencySquareSum, sums.costSum, sums.costSquareSum,
            sums.servedScoreSum, sums.servedScoreSquareSum, sums.cloudScoreSum, sums.cloudLatencySum,
            sums.cloudCostSum,
        ]
    }
}

extension StatisticsSums {
    /// Reads the eleven sum columns, named as in `window_statistics` (also as aggregate aliases).
    init(row: Row) throws {
        self.init(
            eventCount: try row.decode(forColumn: "event_count"),
            shadowCount: try row.decode(forColumn: "shadow_count"),
            latencySum: try row.decode(forColumn: "latency_sum"),
            latencySquareSum: try row.decode(forColumn: "latency_square_sum"),
            costSum: try row.decode(forColumn: "cost_sum"),
            costSquareSum: try row.decode(forColumn: "cost_square_sum"),
            servedScoreSum: try row.decode(forColumn: "served_score_sum"),
            servedScoreSquareSum: try row.decode(forColumn: "served_score_square_sum"),
            cloudScoreSum: try row.decode(forColumn: "cloud_score_sum"),
            cloudLatencySum: try row.decode(forColumn: "cloud_latency_sum"),
            cloudCostSum: try row.decode(forColumn: "cloud_cost_sum")
        )
    }
}
