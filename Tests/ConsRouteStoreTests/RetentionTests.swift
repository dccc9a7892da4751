import ConsRouteStore
import Testing

@Suite("Retention")
struct RetentionTests {
    @Test("pruning an empty store removes nothing")
    func empty() async throws {
        let store = try makeStore()
        #expect(try await store.prune(olderThan: .max) == PruneSummary())
    }

    @Test("old statistics, drift events, runs and decisions go; newer ones and consumer offsets stay")
    func prunesOldHistory() async throws {
        let store = try makeStore()
        try await store.apply(
            IngestEffect(
                statistics: [
                    Sample.delta(bucketStart: 0), Sample.delta(bucketStart: 1_000), Sample.delta(bucketStart: 2_000),
                ],
                offsets: [Sample.offset(next: 3)]
            )
        )
        try await store.recordDriftEvent(Sample.driftEvent(id: "old", detectedAt: 500))
        try await store.recordDriftEvent(Sample.driftEvent(id: "new", detectedAt: 1_500))
        try await store.recordReclusterRun(Sample.reclusterRun(id: "old", startedAt: 999))
        try await store.recordReclusterRun(Sample.reclusterRun(id: "new", startedAt: 1_000))
        try await store.recordOptimiserRun(
            Sample.optimiserRun(id: "old", startedAt: 10),
            trials: [OptimiserTrialRecord(iteration: 0, tDevice: 0.5, tEdge: 0.5, objective: 0)]
        )
        try await store.recordOptimiserRun(Sample.optimiserRun(id: "new", startedAt: 1_000), trials: [])
        try await store.recordTuningDecision(Sample.decision(runID: "old", decidedAt: 999))
        try await store.recordTuningDecision(Sample.decision(runID: "new", decidedAt: 1_000, result: .rejected))
        let summary = try await store.prune(olderThan: 1_000)
        #expect(
            summary
                == PruneSummary(
                    statisticsBuckets: 1,
                    driftEvents: 1,
                    reclusterRuns: 1,
                    optimiserRuns: 1,
                    tuningDecisions: 1
                )
        )
        #expect(summary.total == 5)
        #expect(try await store.statisticsBuckets(HistoryQuery()).map(\.bucketStart) == [2_000, 1_000])
        #expect(try await store.driftEvents(HistoryQuery()).map(\.id) == ["new"])
        #expect(try await store.reclusterRuns(HistoryQuery()).map(\.id) == ["new"])
        #expect(try await store.optimiserRuns(HistoryQuery()).map(\.id) == ["new"])
        #expect(try await store.optimiserTrials(runID: "old").isEmpty)
        #expect(try await store.tuningDecisions(HistoryQuery()).map(\.runID) == ["new"])
        #expect(try await store.storedOffsets(group: "controller", topic: "consroute.telemetry") == [0: 3])
    }

    @Test("the latest table of each fleet is kept however old and whatever its status")
    func keepsLatestTable() async throws {
        let store = try makeStore()
        try await store.insertTable(Sample.table(version: 1, status: .active, createdAt: 10))
        try await store.insertTable(Sample.table(version: 2, status: .active, createdAt: 20))
        try await store.insertTable(Sample.table(version: 3, status: .rolledBack, createdAt: 30))
        try await store.insertTable(Sample.table(fleet: "watches", version: 7, status: .superseded, createdAt: 5))
        let summary = try await store.prune(olderThan: .max)
        #expect(summary.tables == 1)
        #expect(try await store.tables(HistoryQuery(fleet: "phones")).map(\.version) == [3, 2])
        #expect(try await store.latestTables().map { "\($0.fleet)/\($0.version)" } == ["phones/3", "watches/7"])
        #expect(try await store.highestTableVersion(fleet: "phones") == 3)
    }

    @Test("active and canary tables are kept; superseded ones go with their acknowledgement counts")
    func keepsServingTables() async throws {
        let store = try makeStore()
        try await store.insertTable(Sample.table(version: 1, status: .active, createdAt: 10))
        try await store.insertTable(Sample.table(version: 2, status: .active, createdAt: 20))
        try await store.insertTable(Sample.table(version: 3, status: .active, createdAt: 30))
        try await store.insertTable(Sample.table(version: 4, status: .canary, createdAt: 40))
        try await store.insertTable(Sample.table(version: 5, status: .rolledBack, createdAt: 50))
        try await store.apply(
            IngestEffect(
                acknowledgements: (UInt64(1)...5).map {
                    AcknowledgementDelta(fleet: "phones", version: $0, outcome: .applied, count: 1)
                }
            )
        )
        let summary = try await store.prune(olderThan: 1_000)
        #expect(summary.tables == 2 && summary.acknowledgements == 2)
        #expect(try await store.tables(HistoryQuery()).map(\.version) == [5, 4, 3])
        #expect(try await store.acknowledgements(fleet: "phones").map(\.version) == [5, 4, 3])
    }
}
