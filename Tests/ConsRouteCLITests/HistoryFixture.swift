import ConsRouteModel
import ConsRouteStore
import ConsRouteTestSupport
import ConsRouteTuning
import Foundation

/// A history database file filled with known tables, acknowledgements, drift events, runs and statistics, at
/// times relative to now so that `--since 2h` style filters select known rows.
///
/// Fleet `phones`: tables 1 (3 h ago), 2 (2 h ago), 3 (30 min ago, active; 40 applied, 2 stale and 1 bad
/// signature rejections; version 2 has 50 applied); drift events `d1` (cluster 3, 2 h 10 min ago) and `d2`
/// (cluster 5, 40 min ago); re-cluster run `rc-1` (2 h 5 min ago), optimiser runs `opt-1` (cluster 3, 2 h 4 min
/// ago, 3 trials) and `opt-2` (cluster 5, 35 min ago); tuning decisions `phones/run/1` (published version 2, 2 h ago)
/// and `phones/run/2` (rejected by the q_min guardrail, 34 min ago); statistics: cluster 0 device 30 and cloud 10
/// events an hour ago, cluster 1 edge 60 events 3 hours ago. Fleet `tv`: table 1 as a 10% canary (10 min ago), drift
/// event `d3` (cluster 3, 5 min ago), optimiser run `opt-3` (8 min ago), decision `tv/run/1` (failed, no proposal,
/// 7 min ago), cluster 0 edge 5 events 5 minutes ago. Rollout steps: `phones` canary 2 (control 1, 10%) started
/// 150 min ago and rolled back by the controller as version 3 125 min ago (800 vs 7,000 samples, means 0.41 and 0.52,
/// bounds -0.19...-0.07); `tv` canary 4 (control 3, 5%) started 9 min ago.
struct HistoryFixture {
    let directory: TemporaryDirectory
    let path: String
    let nowMs: Int64

    static let minute: Int64 = 60_000

    /// Creates and fills the database.
    /// - Parameter fileName: The database's file name inside a fresh temporary directory.
    init(fileName: String = "history.sqlite") async throws {
        directory = try TemporaryDirectory(prefix: "consroute-cli")
        path = directory.path(fileName)
        nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let store = try HistoryStore(path: path)
        try await fillTables(store)
        try await fillEvents(store)
        try await fillRuns(store)
        try await fillDecisions(store)
        try await fillRollouts(store)
        try await fillStatistics(store)
    }

    private func ago(_ minutes: Int64) -> Int64 { nowMs - minutes * Self.minute }

    private func fillTables(_ store: HistoryStore) async throws {
        let key = TableSigningKey()
        var generator = SeededGenerator(seed: 7)
        let tables: [(fleet: String, version: UInt64, minutesAgo: Int64, status: TableStatus)] = [
            ("phones", 1, 180, .active), ("phones", 2, 120, .active), ("phones", 3, 30, .active),
            ("tv", 1, 10, .canary),
        ]
        for entry in tables {
            var table = ThresholdTable.example(
                fleet: entry.fleet,
                version: entry.version,
                dimension: 4,
                clusterCount: 3,
                createdAtMs: ago(entry.minutesAgo),
                using: &generator
            )
            table.expected.qualityRatio = 0.9 + 0.01 * Double(entry.version)
            if entry.status == .canary { table.rollout = Rollout(stage: .canary, percent: 10, salt: "cohort") }
            let signed = try SignedTable(signing: table, with: key)
            try await store.insertTable(
                ThresholdTableRecord(
                    fleet: entry.fleet,
                    version: entry.version,
                    parentVersion: entry.version > 1 ? entry.version - 1 : nil,
                    status: entry.status,
                    createdAt: table.createdAtMs,
                    expiresAt: table.expiresAtMs,
                    trigger: entry.version == 1 ? .schedule : .drift(eventID: "d\(entry.version - 1)"),
                    optimiserRunID: nil,
                    envelope: signed.envelopeString()
                )
            )
        }
        try await store.apply(
            IngestEffect(acknowledgements: [
                AcknowledgementDelta(fleet: "phones", version: 3, outcome: .applied, count: 40),
                AcknowledgementDelta(fleet: "phones", version: 3, outcome: .rejected(reason: "stale"), count: 2),
                AcknowledgementDelta(
                    fleet: "phones",
                    version: 3,
                    outcome: .rejected(reason: "bad_signature"),
                    count: 1
                ),
                AcknowledgementDelta(fleet: "phones", version: 2, outcome: .applied, count: 50),
            ])
        )
    }

    private func fillEvents(_ store: HistoryStore) async throws {
        let events: [(id: String, fleet: String, minutesAgo: Int64, cluster: UInt32, signal: String)] = [
            ("d1", "phones", 130, 3, "occupancy"), ("d2", "phones", 40, 5, "outcome"), ("d3", "tv", 5, 3, "latency"),
        ]
        for event in events {
            try await store.recordDriftEvent(
                DriftEventRecord(
                    id: event.id,
                    fleet: event.fleet,
                    detectedAt: ago(event.minutesAgo),
                    detector: "adwin",
                    signal: event.signal,
                    cluster: event.cluster,
                    tier: event.signal == "occupancy" ? nil : .edge,
                    statistic: 0.3,
                    threshold: 0.1,
                    window: DataWindow(start: ago(event.minutesAgo + 10), end: ago(event.minutesAgo)),
                    action: "reoptimise"
                )
            )
        }
    }

    private func fillRuns(_ store: HistoryStore) async throws {
        try await store.recordReclusterRun(
            ReclusterRunRecord(
                id: "rc-1",
                fleet: "phones",
                startedAt: ago(125),
                duration: .milliseconds(840),
                trigger: .drift(eventID: "d1"),
                kBefore: 2,
                kAfter: 3,
                inertia: 41.5,
                matchedClusters: [0, 1],
                newClusters: [2],
                retiredClusters: [],
                window: DataWindow(start: ago(140), end: ago(125))
            )
        )
        let runs: [(id: String, fleet: String, minutesAgo: Int64, cluster: UInt32)] = [
            ("opt-1", "phones", 124, 3), ("opt-2", "phones", 35, 5), ("opt-3", "tv", 8, 0),
        ]
        for run in runs {
            let trials =
                run.id == "opt-1"
                ? (0..<3).map {
                    OptimiserTrialRecord(
                        iteration: $0,
                        tDevice: 0.5 + 0.1 * Double($0),
                        tEdge: 0.4,
                        objective: [0.6, 0.8, 0.7][$0]
                    )
                }
                : []
            try await store.recordOptimiserRun(
                OptimiserRunRecord(
                    id: run.id,
                    fleet: run.fleet,
                    cluster: run.cluster,
                    engine: "gp-bo",
                    trigger: .schedule,
                    startedAt: ago(run.minutesAgo),
                    duration: .milliseconds(120),
                    tDevice: 0.6,
                    tEdge: 0.4,
                    objective: 0.8,
                    qualityRatio: 0.96,
                    latencyRatio: 0.5,
                    costRatio: 0.4
                ),
                trials: trials
            )
        }
    }

    /// The reason of the rejected decision `phones/run/2`.
    static let guardrail = "guardrail: predicted quality ratio 0.91 is below q_min 0.95"

    private func fillDecisions(_ store: HistoryStore) async throws {
        typealias Decision = (
            runID: String, fleet: String, trigger: HistoryTrigger, minutesAgo: Int64, result: TuningDecisionResult,
            reason: String, version: UInt64?, quality: Double?
        )
        let shortOfSamples = "optimisation needs 200 shadow samples, the window has 40"
        let decisions: [Decision] = [
            ("phones/run/1", "phones", .drift(eventID: "d1"), 120, .published, "", 2, 0.97),
            ("phones/run/2", "phones", .drift(eventID: "d2"), 34, .rejected, Self.guardrail, nil, 0.91),
            ("tv/run/1", "tv", .schedule, 7, .failed, shortOfSamples, nil, nil),
        ]
        for decision in decisions {
            try await store.recordTuningDecision(
                TuningDecisionRecord(
                    runID: decision.runID,
                    fleet: decision.fleet,
                    trigger: decision.trigger,
                    decidedAt: ago(decision.minutesAgo),
                    result: decision.result,
                    reason: decision.reason,
                    tableVersion: decision.version,
                    qualityRatio: decision.quality,
                    latencyRatio: decision.quality.map { _ in 0.5 },
                    costRatio: decision.quality.map { _ in 0.4 },
                    window: DataWindow(start: ago(decision.minutesAgo + 15), end: ago(decision.minutesAgo))
                )
            )
        }
    }

    /// The reason of the rollback of `phones` canary 2.
    static let inferior = "sequential test: upper bound -0.07 of canary - control < -margin -0.05"

    private func fillRollouts(_ store: HistoryStore) async throws {
        let events = [
            RolloutEventRecord(
                fleet: "phones",
                canaryVersion: 2,
                step: .started,
                decidedAt: ago(150),
                initiator: .controller,
                controlVersion: 1,
                percent: 10,
                resultVersion: nil,
                reason: "tuning run phones/run/1",
                figures: nil
            ),
            RolloutEventRecord(
                fleet: "phones",
                canaryVersion: 2,
                step: .rolledBack,
                decidedAt: ago(125),
                initiator: .controller,
                controlVersion: 1,
                percent: 10,
                resultVersion: 3,
                reason: Self.inferior,
                figures: RolloutFigures(
                    canarySamples: 800,
                    canaryMean: 0.41,
                    controlSamples: 7_000,
                    controlMean: 0.52,
                    lowerBound: -0.19,
                    upperBound: -0.07
                )
            ),
            RolloutEventRecord(
                fleet: "tv",
                canaryVersion: 4,
                step: .started,
                decidedAt: ago(9),
                initiator: .controller,
                controlVersion: 3,
                percent: 5,
                resultVersion: nil,
                reason: "tuning run tv/run/0",
                figures: nil
            ),
        ]
        for event in events { try await store.recordRolloutEvent(event) }
    }

    private func fillStatistics(_ store: HistoryStore) async throws {
        func bucket(_ fleet: String, _ cluster: UInt32, _ tier: Tier, minutesAgo: Int64, events: Int64)
            -> WindowStatisticsBucket
        {
            WindowStatisticsBucket(
                fleet: fleet,
                cluster: cluster,
                tier: tier,
                bucketStart: ago(minutesAgo),
                sums: StatisticsSums(
                    eventCount: events,
                    shadowCount: 1,
                    latencySum: Double(events) * 200,
                    costSum: Double(events) * 0.5,
                    servedScoreSum: 0.9,
                    cloudScoreSum: 1
                )
            )
        }
        try await store.apply(
            IngestEffect(statistics: [
                bucket("phones", 0, .device, minutesAgo: 60, events: 30),
                bucket("phones", 0, .cloud, minutesAgo: 60, events: 10),
                bucket("phones", 1, .edge, minutesAgo: 180, events: 60),
                bucket("tv", 0, .edge, minutesAgo: 5, events: 5),
            ])
        )
    }
}
