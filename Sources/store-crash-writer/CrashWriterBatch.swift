import ConsRouteModel
import ConsRouteStore

/// The deterministic batches the crash writer applies, so a checker can tell what a committed prefix holds.
///
/// Batch `n` covers telemetry offsets `[500n, 500n + 500)`. Event `o` is served by tier `o % 3` in cluster
/// `o % 8`, lands in the one-minute bucket `o / 2000`, and is a shadow sample when `o % 5 == 0`. Each batch
/// adds one `applied` acknowledgement and advances partition 0 to its end offset and partition 1 to `n + 1`.
/// After `n` committed batches: events = shadow × 5 = 500n, applied acknowledgements = n, partition 1 = n.
/// Each writer names a consumer group and writes the statistics and acknowledgements of the fleet of the same
/// name, so several writers can share one file and each be checked on its own.
struct CrashWriterBatch {
    static let size: Int64 = 500
    static let topic = "consroute.telemetry"

    /// The consumer group, also used as the fleet name.
    let group: String

    /// The effect of the batch starting at telemetry offset `start` (a multiple of `size`).
    func effect(startingAt start: Int64) -> IngestEffect {
        var sums: [Key: StatisticsSums] = [:]
        for offset in start..<(start + Self.size) {
            let key = Key(
                cluster: UInt32(offset % 8),
                tier: Tier.allCases[Int(offset % 3)],
                bucket: offset / 2_000
            )
            sums[key, default: StatisticsSums()].add(
                latencyMs: Double(offset % 100),
                cost: Double(offset % 10) / 1_000,
                servedScore: offset % 5 == 0 ? 0.5 : nil
            )
        }
        let end = start + Self.size
        return IngestEffect(
            statistics: sums.map { key, sums in
                WindowStatisticsBucket(
                    fleet: group,
                    cluster: key.cluster,
                    tier: key.tier,
                    bucketStart: key.bucket * 60_000,
                    sums: sums
                )
            },
            acknowledgements: [AcknowledgementDelta(fleet: group, version: 1, outcome: .applied, count: 1)],
            offsets: [
                ConsumerOffset(group: group, topic: Self.topic, partition: 0, nextOffset: end),
                ConsumerOffset(group: group, topic: Self.topic, partition: 1, nextOffset: end / Self.size),
            ]
        )
    }

    private struct Key: Hashable {
        var cluster: UInt32
        var tier: Tier
        var bucket: Int64
    }
}
