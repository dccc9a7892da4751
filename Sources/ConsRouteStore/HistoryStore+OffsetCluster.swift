import ConsRouteModel
import Foundation
import GRDB

/// What binding a consumer group's stored offsets to the connected Kafka cluster found.
public enum OffsetClusterBinding: Sendable, Equatable {
    /// No offsets were stored for the group and topic: the cluster is bound and consumption starts afresh.
    case new
    /// The stored offsets belong to this cluster: consumption resumes from them.
    case same
    /// Offsets stored before clusters were recorded are adopted by this cluster (one time, on upgrade).
    case adopted(partitions: Int)
    /// The stored offsets belong to another cluster (`previous`): they were discarded, the connected cluster's log
    /// is a new log and its events are counted as new, never as replayed.
    case changed(previous: String, discardedPartitions: Int)
}

extension HistoryStore {
    /// Ties a consumer group's stored offsets on a topic to the Kafka cluster they are positions in (docs/design.md §6.1).
    ///
    /// An offset names a message in one cluster's log only: resuming another cluster's log from it would skip its
    /// first events as "already counted" (an embedded broker is a new cluster in every process). So when
    /// `clusterID` differs from the cluster the offsets were stored for, they are deleted and the cluster is bound,
    /// in one transaction.
    ///
    /// - Parameters:
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - clusterID: The connected cluster's id (`rd_kafka_clusterid`); not empty.
    ///   - now: Unix ms, recorded with the binding (default: the clock).
    /// - Returns: What was found (the caller logs a change loudly).
    /// - Throws: ``HistoryStoreError/invalidField(field:reason:)`` for an empty argument, database failures.
    public func bindConsumerOffsets(
        group: String,
        topic: String,
        clusterID: String,
        now: Int64? = nil
    ) async throws -> OffsetClusterBinding {
        let now = now ?? WallClock.nowMs()
        try FieldRule.nonEmpty(group, "group")
        try FieldRule.nonEmpty(topic, "topic")
        try FieldRule.nonEmpty(clusterID, "clusterID")
        return try await write { db in
            let bound = try String.fetchOne(
                db,
                sql: "SELECT cluster_id FROM consumer_offset_cluster WHERE consumer_group = ? AND topic = ?",
                arguments: [group, topic]
            )
            let stored =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM consumer_offset WHERE consumer_group = ? AND topic = ?",
                    arguments: [group, topic]
                ) ?? 0
            if bound == clusterID { return .same }
            try db.execute(
                sql: """
                    INSERT INTO consumer_offset_cluster (consumer_group, topic, cluster_id, bound_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (consumer_group, topic) DO UPDATE SET cluster_id = excluded.cluster_id,
                        bound_at = excluded.bound_at
                    """,
                arguments: [group, topic, clusterID, now]
            )
            guard let bound else { return stored == 0 ? .new : .adopted(partitions: stored) }
            try db.execute(
                sql: "DELETE FROM consumer_offset WHERE consumer_group = ? AND topic = ?",
                arguments: [group, topic]
            )
            return .changed(previous: bound, discardedPartitions: stored)
        }
    }

    /// The cluster a consumer group's offsets on a topic are bound to, if any.
    public func consumerOffsetCluster(group: String, topic: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(
                db,
                sql: "SELECT cluster_id FROM consumer_offset_cluster WHERE consumer_group = ? AND topic = ?",
                arguments: [group, topic]
            )
        }
    }
}
