import ConsRouteStore
import Testing

@Suite("Drift events and runs")
struct DriftAndRunHistoryTests {
    @Test("an empty store lists no drift events or runs")
    func empty() async throws {
        let store = try makeStore()
        #expect(try await store.driftEvents(HistoryQuery()).isEmpty)
        #expect(try await store.driftEvent(id: "none") == nil)
        #expect(try await store.reclusterRuns(HistoryQuery()).isEmpty)
        #expect(try await store.optimiserRuns(HistoryQuery()).isEmpty)
        #expect(try await store.optimiserTrials(runID: "none").isEmpty)
    }

    @Test("a drift event round-trips, with and without cluster, tier and offsets")
    func driftRoundTrip() async throws {
        let store = try makeStore()
        let full = Sample.driftEvent(id: "d1")
        var bare = Sample.driftEvent(id: "d2", detectedAt: 2_000)
        bare.cluster = nil
        bare.tier = nil
        bare.window = DataWindow(start: 1_000, end: 2_000)
        bare.statistic = -3.5
        try await store.recordDriftEvent(full)
        try await store.recordDriftEvent(bare)
        #expect(try await store.driftEvent(id: "d1") == full)
        #expect(try await store.driftEvents(HistoryQuery()) == [bare, full])
    }

    @Test("drift events filter by fleet, since, limit and cluster")
    func driftQueries() async throws {
        let store = try makeStore()
        for index in 0..<6 {
            var event = Sample.driftEvent(
                id: "d\(index)",
                fleet: index.isMultiple(of: 2) ? "phones" : "watches",
                detectedAt: Int64(index) * 10
            )
            event.cluster = UInt32(index % 3)
            try await store.recordDriftEvent(event)
        }
        #expect(try await store.driftEvents(HistoryQuery(fleet: "phones")).map(\.id) == ["d4", "d2", "d0"])
        #expect(try await store.driftEvents(HistoryQuery(since: 30)).map(\.id) == ["d5", "d4", "d3"])
        #expect(try await store.driftEvents(HistoryQuery(limit: 1)).map(\.id) == ["d5"])
        #expect(try await store.driftEvents(HistoryQuery(), cluster: 1).map(\.id) == ["d4", "d1"])
    }

    @Test("a duplicate drift event id is rejected by name; bad fields are named")
    func driftErrors() async throws {
        let store = try makeStore()
        try await store.recordDriftEvent(Sample.driftEvent(id: "d1"))
        await #expect(throws: HistoryStoreError.duplicateRecordID(kind: "drift event", id: "d1")) {
            try await store.recordDriftEvent(Sample.driftEvent(id: "d1", detectedAt: 5))
        }
        var notFinite = Sample.driftEvent(id: "d2")
        notFinite.statistic = .nan
        var backwards = Sample.driftEvent(id: "d3")
        backwards.window = DataWindow(start: 10, end: 20, firstOffset: 9, endOffset: 3)
        for (event, field) in [(notFinite, "driftEvent.statistic"), (backwards, "driftEvent.window.endOffset")] {
            await #expect {
                try await store.recordDriftEvent(event)
            } throws: { error in
                guard case .invalidField(let named, _) = error as? HistoryStoreError else { return false }
                return named == field
            }
        }
        #expect(try await store.driftEvents(HistoryQuery()).count == 1)
    }

    @Test("a re-cluster run round-trips, including cluster id lists and its duration")
    func reclusterRoundTrip() async throws {
        let store = try makeStore()
        let run = Sample.reclusterRun(id: "r1")
        var first = Sample.reclusterRun(id: "r0", startedAt: 10)
        first.kBefore = 0
        first.matchedClusters = []
        first.newClusters = [0, 1, 2, 3, 4]
        first.retiredClusters = []
        try await store.recordReclusterRun(run)
        try await store.recordReclusterRun(first)
        #expect(try await store.reclusterRuns(HistoryQuery()) == [run, first])
        #expect(try await store.reclusterRuns(HistoryQuery(until: 500)) == [first])
        await #expect(throws: HistoryStoreError.duplicateRecordID(kind: "re-cluster run", id: "r1")) {
            try await store.recordReclusterRun(run)
        }
    }

    @Test("a re-cluster run whose k after does not match its ids is rejected")
    func reclusterInconsistentK() async throws {
        let store = try makeStore()
        var run = Sample.reclusterRun(id: "r1")
        run.kAfter = 7
        await #expect {
            try await store.recordReclusterRun(run)
        } throws: { error in
            guard case .invalidField(let field, let reason) = error as? HistoryStoreError else { return false }
            return field == "reclusterRun.kAfter" && reason.contains("3 matched + 2 new")
        }
    }

    @Test("an optimiser run round-trips with its trials in iteration order")
    func optimiserRoundTrip() async throws {
        let store = try makeStore()
        let run = Sample.optimiserRun(id: "o1")
        let pooled = Sample.optimiserRun(id: "o2", cluster: nil, startedAt: 2_000)
        let trials = [
            OptimiserTrialRecord(iteration: 1, tDevice: 0.5, tEdge: 0.5, objective: 0.4),
            OptimiserTrialRecord(iteration: 0, tDevice: 1, tEdge: 0, objective: -2.5),
        ]
        try await store.recordOptimiserRun(run, trials: trials)
        try await store.recordOptimiserRun(pooled, trials: [])
        #expect(try await store.optimiserRuns(HistoryQuery()) == [pooled, run])
        #expect(try await store.optimiserRuns(HistoryQuery(), cluster: 2) == [run])
        #expect(try await store.optimiserTrials(runID: "o1") == trials.reversed())
        #expect(try await store.optimiserTrials(runID: "o2").isEmpty)
    }

    @Test("an optimiser run with a bad or repeated trial stores neither the run nor any trial")
    func optimiserAtomic() async throws {
        let store = try makeStore()
        let repeated = [
            OptimiserTrialRecord(iteration: 0, tDevice: 0.5, tEdge: 0.5, objective: 0.4),
            OptimiserTrialRecord(iteration: 0, tDevice: 0.6, tEdge: 0.5, objective: 0.3),
        ]
        await #expect(throws: HistoryStoreError.duplicateRecordID(kind: "trial of optimiser run 'o1'", id: "0")) {
            try await store.recordOptimiserRun(Sample.optimiserRun(id: "o1"), trials: repeated)
        }
        let outOfRange = [OptimiserTrialRecord(iteration: 0, tDevice: 1.5, tEdge: 0.5, objective: 0.4)]
        await #expect(throws: HistoryStoreError.self) {
            try await store.recordOptimiserRun(Sample.optimiserRun(id: "o1"), trials: outOfRange)
        }
        #expect(try await store.optimiserRuns(HistoryQuery()).isEmpty)
        #expect(try await store.optimiserTrials(runID: "o1").isEmpty)
    }
}
