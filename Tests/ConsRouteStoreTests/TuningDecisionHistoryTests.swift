import ConsRouteStore
import Testing

@Suite("Tuning decisions")
struct TuningDecisionHistoryTests {
    @Test("published, rejected and failed decisions round-trip, with and without ratios and offsets")
    func roundTrip() async throws {
        let store = try makeStore()
        let published = Sample.decision(runID: "phones/run/1", decidedAt: 1_000)
        let rejected = Sample.decision(runID: "phones/run/2", decidedAt: 2_000, result: .rejected)
        var failed = Sample.decision(runID: "phones/run/3", decidedAt: 3_000, result: .failed)
        failed.trigger = .bootstrap
        failed.reason = "clustering: 12 points are too few to cluster (need 500)"
        failed.qualityRatio = nil
        failed.latencyRatio = nil
        failed.costRatio = nil
        failed.window = DataWindow(start: 2_500, end: 3_000)
        var operatorRun = Sample.decision(runID: "phones/run/4", decidedAt: 4_000)
        operatorRun.trigger = .operatorRequest(note: "retune")
        operatorRun.tableVersion = UInt64(Int64.max)
        for decision in [published, rejected, failed, operatorRun] { try await store.recordTuningDecision(decision) }
        #expect(try await store.tuningDecisions(HistoryQuery()) == [operatorRun, failed, rejected, published])
    }

    @Test("a decision keeps both tables' figures, the bound, alpha and the guardrail's basis")
    func figuresRoundTrip() async throws {
        let store = try makeStore()
        var decision = Sample.decision(runID: "phones/run/9", decidedAt: 9_000)
        decision.basis = "toward_safety"
        decision.alpha = 0.1
        decision.candidate = DecisionFigures(
            qualityRatio: 0.91,
            qualityLowerBound: 0.88,
            latencyRatio: 0.42,
            costRatio: 0.33,
            objective: 0.64
        )
        decision.current = DecisionFigures(
            qualityRatio: 0.86,
            qualityLowerBound: nil,
            latencyRatio: 0.3,
            costRatio: 0.2,
            objective: 0.71
        )
        try await store.recordTuningDecision(decision)
        let stored = try #require(try await store.tuningDecisions(HistoryQuery()).first)
        #expect(stored == decision)
        #expect(stored.current?.qualityRatio == 0.86 && stored.candidate?.qualityLowerBound == 0.88)
        // The candidate's ratios are the decision's own: a different copy is refused, not silently dropped.
        var inconsistent = Sample.decision(runID: "phones/run/10")
        inconsistent.candidate = DecisionFigures(
            qualityRatio: 0.5,
            qualityLowerBound: nil,
            latencyRatio: 0.42,
            costRatio: 0.33,
            objective: 0
        )
        await #expect(throws: HistoryStoreError.self) { try await store.recordTuningDecision(inconsistent) }
    }

    @Test("decisions filter by fleet, since, until, limit and result, newest first")
    func queries() async throws {
        let store = try makeStore()
        let results: [TuningDecisionResult] = [.published, .rejected, .failed]
        for index in 0..<6 {
            try await store.recordTuningDecision(
                Sample.decision(
                    runID: "run-\(index)",
                    fleet: index.isMultiple(of: 2) ? "phones" : "watches",
                    decidedAt: Int64(index) * 10,
                    result: results[index % 3]
                )
            )
        }
        let ids = { (query: HistoryQuery, result: TuningDecisionResult?) in
            try await store.tuningDecisions(query, result: result).map(\.runID)
        }
        #expect(try await ids(HistoryQuery(), nil) == ["run-5", "run-4", "run-3", "run-2", "run-1", "run-0"])
        #expect(try await ids(HistoryQuery(fleet: "phones"), nil) == ["run-4", "run-2", "run-0"])
        #expect(try await ids(HistoryQuery(since: 20, until: 40), nil) == ["run-3", "run-2"])
        #expect(try await ids(HistoryQuery(limit: 2), nil) == ["run-5", "run-4"])
        #expect(try await ids(HistoryQuery(), .rejected) == ["run-4", "run-1"])
        #expect(try await ids(HistoryQuery(fleet: "watches"), .failed) == ["run-5"])
        #expect(try await ids(HistoryQuery(fleet: "tv"), nil) == [])
        await #expect(throws: HistoryStoreError.invalidField(field: "query.limit", reason: "must be positive, got 0")) {
            try await store.tuningDecisions(HistoryQuery(limit: 0))
        }
    }

    @Test("decisions at the same time come in descending run id order")
    func tieBreak() async throws {
        let store = try makeStore()
        for id in ["b", "c", "a"] { try await store.recordTuningDecision(Sample.decision(runID: id, decidedAt: 500)) }
        #expect(try await store.tuningDecisions(HistoryQuery()).map(\.runID) == ["c", "b", "a"])
    }

    @Test("a second decision for a run is rejected by name")
    func duplicate() async throws {
        let store = try makeStore()
        try await store.recordTuningDecision(Sample.decision(runID: "phones/run/1"))
        await #expect(throws: HistoryStoreError.duplicateRecordID(kind: "tuning decision", id: "phones/run/1")) {
            try await store.recordTuningDecision(Sample.decision(runID: "phones/run/1", result: .failed))
        }
        #expect(try await store.tuningDecisions(HistoryQuery()).map(\.result) == [.published])
    }

    @Test("a decision whose version, reason or ratios do not fit its result is refused, naming the field")
    func invalidFields() async throws {
        let store = try makeStore()
        var noVersion = Sample.decision(runID: "r1")
        noVersion.tableVersion = nil
        var publishedWithReason = Sample.decision(runID: "r2")
        publishedWithReason.reason = "guardrail: none"
        var rejectedWithVersion = Sample.decision(runID: "r3", result: .rejected)
        rejectedWithVersion.tableVersion = 3
        var failedWithoutReason = Sample.decision(runID: "r4", result: .failed)
        failedWithoutReason.reason = ""
        var partialRatios = Sample.decision(runID: "r5", result: .rejected)
        partialRatios.costRatio = nil
        var negativeRatio = Sample.decision(runID: "r6")
        negativeRatio.latencyRatio = -0.1
        var zeroVersion = Sample.decision(runID: "r7")
        zeroVersion.tableVersion = 0
        let emptyRun = Sample.decision(runID: "")
        var backwards = Sample.decision(runID: "r8")
        backwards.window = DataWindow(start: 20, end: 10)
        let cases: [(TuningDecisionRecord, String)] = [
            (noVersion, "tuningDecision.tableVersion"), (publishedWithReason, "tuningDecision.reason"),
            (rejectedWithVersion, "tuningDecision.tableVersion"), (failedWithoutReason, "tuningDecision.reason"),
            (partialRatios, "tuningDecision.qualityRatio"), (negativeRatio, "tuningDecision.latencyRatio"),
            (zeroVersion, "tuningDecision.tableVersion"), (emptyRun, "tuningDecision.runID"),
            (backwards, "tuningDecision.window.end"),
        ]
        for (decision, field) in cases {
            await #expect {
                try await store.recordTuningDecision(decision)
            } throws: { error in
                guard case .invalidField(let named, _) = error as? HistoryStoreError else { return false }
                return named == field
            }
        }
        #expect(try await store.tuningDecisions(HistoryQuery()).isEmpty)
    }
}
