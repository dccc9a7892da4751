import ConsRouteModel
import GRDB

extension HistoryStore {
    /// Window statistics added up per fleet, cluster and tier over the buckets a query selects.
    ///
    /// `since`/`until` filter on `bucket_start`; `limit` is not used (there is one row per fleet, cluster and
    /// tier). Rows are ordered by fleet, cluster, then tier (device, edge, cloud).
    /// - Parameter query: Fleet and bucket-start range.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    /// - Complexity: O(buckets in range) with the primary-key or `bucket_start` index.
    public func statistics(_ query: HistoryQuery) async throws -> [WindowStatisticsSummary] {
        try query.validate()
        let filter = query.filter(timeColumn: "bucket_start")
        let sql = """
            SELECT fleet, cluster, tier, MIN(bucket_start) AS first_bucket, MAX(bucket_start) AS last_bucket,
                COUNT(*) AS bucket_count,
                SUM(event_count) AS event_count, SUM(shadow_count) AS shadow_count,
                SUM(latency_sum) AS latency_sum, SUM(latency_square_sum) AS latency_square_sum,
                SUM(cost_sum) AS cost_sum, SUM(cost_square_sum) AS cost_square_sum,
                SUM(served_score_sum) AS served_score_sum, SUM(served_score_square_sum) AS served_score_square_sum,
                SUM(cloud_score_sum) AS cloud_score_sum, SUM(cloud_latency_sum) AS cloud_latency_sum,
                SUM(cloud_cost_sum) AS cloud_cost_sum
            FROM window_statistics\(filter.sql)
            GROUP BY fleet, cluster, tier
            ORDER BY fleet, cluster, \(Tier.orderSQL)
            """
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: filter.arguments).map { row in
                WindowStatisticsSummary(
                    fleet: try row.decode(forColumn: "fleet"),
                    cluster: try row.decode(forColumn: "cluster"),
                    tier: try row.decodeTier(column: "tier", table: WindowStatisticsBucket.tableName),
                    firstBucketStart: try row.decode(forColumn: "first_bucket"),
                    lastBucketStart: try row.decode(forColumn: "last_bucket"),
                    bucketCount: try row.decode(forColumn: "bucket_count"),
                    sums: try StatisticsSums(row: row)
                )
            }
        }
    }

    /// The stored buckets a query selects, newest bucket first (then by cluster and tier): a time series.
    /// - Parameter query: Fleet, bucket-start range and limit.
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for a bad query.
    public func statisticsBuckets(_ query: HistoryQuery) async throws -> [WindowStatisticsBucket] {
        try query.validate()
        let clauses = query.clauses(timeColumn: "bucket_start", tieBreak: "fleet, cluster, \(Tier.orderSQL)")
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM window_statistics" + clauses.sql, arguments: clauses.arguments)
                .map(WindowStatisticsBucket.init(row:))
        }
    }
}
