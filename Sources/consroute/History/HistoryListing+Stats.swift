import ConsRouteModel
import ConsRouteStore

extension HistoryListing {
    /// One row per fleet, cluster and tier: events and shadow samples over the selected buckets, mean latency,
    /// cost and served score, the observed quality ratio against the cloud on the same shadow samples, and the
    /// row's share of its fleet's and of its cluster's events.
    /// - Parameters:
    ///   - summaries: The summaries, ordered by fleet, cluster and tier.
    ///   - limit: The most rows to show (shares are computed over every summary first).
    static func stats(_ summaries: [WindowStatisticsSummary], limit: Int?) -> HistoryListing {
        var fleetEvents: [String: Int64] = [:]
        var clusterEvents: [ClusterKey: Int64] = [:]
        for summary in summaries {
            fleetEvents[summary.fleet, default: 0] += summary.sums.eventCount
            clusterEvents[ClusterKey(fleet: summary.fleet, cluster: summary.cluster), default: 0] +=
                summary.sums.eventCount
        }
        let rows = summaries.map { summary in
            let sums = summary.sums
            let events = Double(sums.eventCount)
            let ofFleet = fleetEvents[summary.fleet].flatMap { ratio(events, Double($0)) }
            let ofCluster = clusterEvents[ClusterKey(fleet: summary.fleet, cluster: summary.cluster)]
                .flatMap { ratio(events, Double($0)) }
            return [
                HistoryField("fleet", "fleet", .text(summary.fleet)),
                HistoryField("cluster", "cluster", .integer(Int64(summary.cluster))),
                HistoryField("tier", "tier", .text(summary.tier.description)),
                HistoryField("events", "events", .integer(sums.eventCount)),
                HistoryField("shadow_samples", "shadow", .integer(sums.shadowCount)),
                HistoryField("fleet_share", "of fleet", .number(ofFleet)),
                HistoryField("cluster_share", "of cluster", .number(ofCluster)),
                HistoryField("mean_latency_ms", "latency ms", .number(sums.meanLatencyMs)),
                HistoryField("mean_cost", "cost", .number(sums.meanCost)),
                HistoryField("mean_served_score", "score", .number(sums.meanServedScore)),
                HistoryField("observed_quality_ratio", "quality", .number(sums.observedQualityRatio)),
                HistoryField("first_bucket_ms", "first bucket", .time(summary.firstBucketStart)),
                HistoryField("last_bucket_ms", "last bucket", .time(summary.lastBucketStart)),
                HistoryField.jsonOnly("buckets", .integer(Int64(summary.bucketCount))),
            ]
        }
        guard let limit, rows.count > limit else { return HistoryListing(rows: rows, noun: "statistics rows") }
        return HistoryListing(
            rows: Array(rows.prefix(limit)),
            noun: "statistics rows",
            omitted: .some(count: rows.count - limit)
        )
    }

    private struct ClusterKey: Hashable {
        var fleet: String
        var cluster: UInt32
    }
}
