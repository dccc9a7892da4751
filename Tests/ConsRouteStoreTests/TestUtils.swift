import ConsRouteModel
import ConsRouteStore
import Foundation

/// A fresh, migrated in-memory store.
func makeStore() throws -> HistoryStore {
    try HistoryStore.inMemory()
}

/// The names of every migration, oldest first, as a fully migrated store lists them.
let everyMigration = [
    "v1-history-schema", "v2-bootstrap-trigger", "v3-tuning-decisions", "v4-rollout-events",
    "v5-consumer-offset-cluster", "v6-decision-figures", "v7-history-outbox",
]

/// Records with plausible values; each test overrides what it is about.
enum Sample {
    static func table(
        fleet: String = "phones",
        version: UInt64,
        status: TableStatus = .active,
        createdAt: Int64 = 1_000
    ) -> ThresholdTableRecord {
        ThresholdTableRecord(
            fleet: fleet,
            version: version,
            parentVersion: version > 1 ? version - 1 : nil,
            status: status,
            createdAt: createdAt,
            expiresAt: createdAt + 86_400_000,
            trigger: .drift(eventID: "drift-\(version)"),
            optimiserRunID: "run-\(version)",
            envelope: #"{"key_id":"k1","signature":"c2ln","table":{"fleet":"\#(fleet)","version":\#(version)}}"#
        )
    }

    static func driftEvent(id: String, fleet: String = "phones", detectedAt: Int64 = 1_000) -> DriftEventRecord {
        DriftEventRecord(
            id: id,
            fleet: fleet,
            detectedAt: detectedAt,
            detector: "adwin",
            signal: "outcome",
            cluster: 3,
            tier: .edge,
            statistic: 0.21,
            threshold: 0.05,
            window: DataWindow(start: detectedAt - 60_000, end: detectedAt, firstOffset: 100, endOffset: 900),
            action: "reoptimise"
        )
    }

    static func reclusterRun(id: String, fleet: String = "phones", startedAt: Int64 = 1_000) -> ReclusterRunRecord {
        ReclusterRunRecord(
            id: id,
            fleet: fleet,
            startedAt: startedAt,
            duration: .milliseconds(1_250.5),
            trigger: .schedule,
            kBefore: 4,
            kAfter: 5,
            inertia: 812.25,
            matchedClusters: [0, 1, 3],
            newClusters: [4, 5],
            retiredClusters: [2],
            window: DataWindow(start: startedAt - 3_600_000, end: startedAt)
        )
    }

    static func optimiserRun(
        id: String,
        fleet: String = "phones",
        cluster: UInt32? = 2,
        startedAt: Int64 = 1_000
    ) -> OptimiserRunRecord {
        OptimiserRunRecord(
            id: id,
            fleet: fleet,
            cluster: cluster,
            engine: "gp-bo",
            trigger: .operatorRequest(note: "retune by ops"),
            startedAt: startedAt,
            duration: .milliseconds(42),
            tDevice: 0.8,
            tEdge: 0.55,
            objective: 0.61,
            qualityRatio: 0.97,
            latencyRatio: 0.4,
            costRatio: 0.3
        )
    }

    static func decision(
        runID: String,
        fleet: String = "phones",
        decidedAt: Int64 = 1_000,
        result: TuningDecisionResult = .published
    ) -> TuningDecisionRecord {
        let published = result == .published
        return TuningDecisionRecord(
            runID: runID,
            fleet: fleet,
            trigger: .drift(eventID: "drift-\(runID)"),
            decidedAt: decidedAt,
            result: result,
            reason: published ? "" : "guardrail: predicted quality ratio 0.91 is below q_min 0.95",
            tableVersion: published ? 7 : nil,
            qualityRatio: 0.91,
            latencyRatio: 0.42,
            costRatio: 0.33,
            window: DataWindow(start: decidedAt - 3_600_000, end: decidedAt, firstOffset: 10, endOffset: 4_010)
        )
    }

    static func delta(
        fleet: String = "phones",
        cluster: UInt32 = 0,
        tier: Tier = .device,
        bucketStart: Int64 = 0,
        events: Int64 = 1,
        shadows: Int64 = 0
    ) -> WindowStatisticsBucket {
        WindowStatisticsBucket(
            fleet: fleet,
            cluster: cluster,
            tier: tier,
            bucketStart: bucketStart,
            sums: StatisticsSums(
                eventCount: events,
                shadowCount: shadows,
                latencySum: 10 * Double(events),
                latencySquareSum: 100 * Double(events),
                costSum: 0.5 * Double(events),
                costSquareSum: 0.25 * Double(events),
                servedScoreSum: 0.75 * Double(shadows),
                servedScoreSquareSum: 0.5625 * Double(shadows)
            )
        )
    }

    static func offset(partition: Int32 = 0, next: Int64) -> ConsumerOffset {
        ConsumerOffset(group: "controller", topic: "consroute.telemetry", partition: partition, nextOffset: next)
    }
}
