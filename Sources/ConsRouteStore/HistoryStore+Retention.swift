import GRDB

extension HistoryStore {
    /// Removes history older than a cutoff, in one transaction.
    ///
    /// Removed: statistics buckets starting before the cutoff, drift events detected before it, re-cluster and
    /// optimiser runs (with their trials) started before it, tuning decisions made before it, and tables created before it together with their
    /// acknowledgement counts. Never removed: each fleet's highest-version table (so versions keep increasing
    /// across restarts), its `active` and `canary` tables, and consumer offsets.
    /// - Parameter cutoff: Unix milliseconds; rows strictly older go.
    /// - Returns: How many rows of each kind were removed.
    /// - Complexity: O(rows removed × log n) through the time indexes, plus one scan of the (few) tables.
    @discardableResult
    public func prune(olderThan cutoff: Int64) async throws -> PruneSummary {
        try await write { db in
            var summary = PruneSummary()
            summary.statisticsBuckets = try Self.delete(
                "DELETE FROM window_statistics WHERE bucket_start < ?",
                cutoff,
                in: db
            )
            summary.driftEvents = try Self.delete("DELETE FROM drift_event WHERE detected_at < ?", cutoff, in: db)
            summary.reclusterRuns = try Self.delete("DELETE FROM recluster_run WHERE started_at < ?", cutoff, in: db)
            summary.optimiserRuns = try Self.delete("DELETE FROM optimiser_run WHERE started_at < ?", cutoff, in: db)
            summary.tuningDecisions = try Self.delete(
                "DELETE FROM tuning_decision WHERE decided_at < ?",
                cutoff,
                in: db
            )
            summary.acknowledgements = try Self.delete(
                """
                DELETE FROM table_acknowledgement
                WHERE (fleet, version) IN (SELECT fleet, version FROM threshold_table WHERE \(Self.prunableTable))
                """,
                cutoff,
                in: db
            )
            summary.tables = try Self.delete(
                "DELETE FROM threshold_table WHERE \(Self.prunableTable)",
                cutoff,
                in: db
            )
            return summary
        }
    }

    /// Tables old enough to prune, excluding each fleet's newest, active and canary tables.
    private static let prunableTable = """
        created_at < ?1 AND status NOT IN ('active', 'canary')
        AND version < (
            SELECT MAX(newest.version) FROM threshold_table AS newest WHERE newest.fleet = threshold_table.fleet
        )
        """

    private static func delete(_ sql: String, _ cutoff: Int64, in db: Database) throws -> Int {
        try db.execute(sql: sql, arguments: [cutoff])
        return db.changesCount
    }
}
