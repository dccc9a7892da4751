import ConsRouteModel
import ConsRouteStore
import ConsRouteTestSupport
import Foundation
import GRDB
import Testing

@testable import ConsRouteStore

extension Sample {
    static func rollout(
        fleet: String = "phones",
        canary: UInt64 = 5,
        step: RolloutStep = .started,
        decidedAt: Int64 = 1_000
    ) -> RolloutEventRecord {
        let ended = step != .started
        return RolloutEventRecord(
            fleet: fleet,
            canaryVersion: canary,
            step: step,
            decidedAt: decidedAt,
            initiator: step == .promoted ? .operator : .controller,
            controlVersion: canary - 1,
            percent: 10,
            resultVersion: ended ? canary + 1 : nil,
            reason: ended
                ? "sequential test: upper bound -0.07 of canary - control < -margin -0.05"
                : "tuning run phones/run/\(canary)",
            figures: ended
                ? RolloutFigures(
                    canarySamples: 812,
                    canaryMean: 0.41,
                    controlSamples: 7_310,
                    controlMean: 0.52,
                    lowerBound: -0.19,
                    upperBound: -0.07
                ) : nil
        )
    }
}

@Suite("Rollout events")
struct RolloutHistoryTests {
    @Test("starts, promotions and rollbacks round-trip with their figures, newest first")
    func roundTrip() async throws {
        let store = try makeStore()
        let started = Sample.rollout(step: .started, decidedAt: 1_000)
        let rolledBack = Sample.rollout(step: .rolledBack, decidedAt: 2_000)
        let restarted = Sample.rollout(canary: 7, step: .started, decidedAt: 3_000)
        var promoted = Sample.rollout(canary: 7, step: .promoted, decidedAt: 3_000)
        promoted.reason = "operator promotion"
        for event in [started, rolledBack, restarted, promoted] { try await store.recordRolloutEvent(event) }
        // Same time: the later step (the promotion) first.
        #expect(try await store.rolloutEvents(HistoryQuery()) == [promoted, restarted, rolledBack, started])
    }

    @Test("events filter by fleet, since, until, limit and step")
    func queries() async throws {
        let store = try makeStore()
        for index in 0..<6 {
            let step: RolloutStep = index.isMultiple(of: 2) ? .started : (index % 4 == 1 ? .promoted : .rolledBack)
            try await store.recordRolloutEvent(
                Sample.rollout(
                    fleet: index < 4 ? "phones" : "watches",
                    canary: UInt64(2 + index / 2 * 2),
                    step: step,
                    decidedAt: Int64(index) * 10
                )
            )
        }
        let times = { (query: HistoryQuery, step: RolloutStep?) in
            try await store.rolloutEvents(query, step: step).map(\.decidedAt)
        }
        #expect(try await times(HistoryQuery(), nil) == [50, 40, 30, 20, 10, 0])
        #expect(try await times(HistoryQuery(fleet: "watches"), nil) == [50, 40])
        #expect(try await times(HistoryQuery(since: 10, until: 30), nil) == [20, 10])
        #expect(try await times(HistoryQuery(limit: 1), nil) == [50])
        #expect(try await times(HistoryQuery(), .started) == [40, 20, 0])
        #expect(try await times(HistoryQuery(), .promoted) == [50, 10])
        #expect(try await times(HistoryQuery(), .rolledBack) == [30])
    }

    @Test("a second start or end of the same canary is refused")
    func duplicateStep() async throws {
        let store = try makeStore()
        try await store.recordRolloutEvent(Sample.rollout(step: .rolledBack))
        await #expect(throws: HistoryStoreError.duplicateRecordID(kind: "rollout event", id: "phones/v5/rolled_back")) {
            try await store.recordRolloutEvent(Sample.rollout(step: .rolledBack, decidedAt: 9_000))
        }
    }

    @Test("bad fields are refused with the field named")
    func validation() async throws {
        let store = try makeStore()
        var startWithResult = Sample.rollout(step: .started)
        startWithResult.resultVersion = 6
        var endWithoutFigures = Sample.rollout(step: .promoted)
        endWithoutFigures.figures = nil
        var resultBelowCanary = Sample.rollout(step: .promoted)
        resultBelowCanary.resultVersion = 5
        var controlAboveCanary = Sample.rollout()
        controlAboveCanary.controlVersion = 5
        var percent = Sample.rollout()
        percent.percent = 101
        var bounds = Sample.rollout(step: .rolledBack)
        bounds.figures?.upperBound = -0.5
        var emptyReason = Sample.rollout()
        emptyReason.reason = ""
        let cases: [(RolloutEventRecord, String)] = [
            (startWithResult, "rolloutEvent.resultVersion"), (endWithoutFigures, "rolloutEvent.resultVersion"),
            (resultBelowCanary, "rolloutEvent.resultVersion"), (controlAboveCanary, "rolloutEvent.controlVersion"),
            (percent, "rolloutEvent.percent"), (bounds, "rolloutEvent.figures.upperBound"),
            (emptyReason, "rolloutEvent.reason"),
        ]
        for (event, field) in cases {
            do {
                try await store.recordRolloutEvent(event)
                Issue.record("\(field): accepted")
            } catch HistoryStoreError.invalidField(let named, _) {
                #expect(named == field)
            }
        }
        #expect(try await store.rolloutEvents(HistoryQuery()).isEmpty)
    }

    @Test("a version-3 file keeps its rows and gains the rollout table, whose CHECKs refuse inconsistent rows")
    func upgradesVersionThreeFile() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        let canary = Sample.table(version: 1)
        let decision = Sample.decision(runID: "phones/run/1")
        do {
            let queue = try DatabaseQueue(path: path)
            try HistoryStore.migrator.migrate(queue, upTo: "v3-tuning-decisions")
            try await queue.write { [canary, decision] db in
                try db.execute(sql: ThresholdTableRecord.insertSQL, arguments: try canary.validatedArguments())
                // The insert of a version-3 controller (before the decision figures of v5).
                try db.execute(
                    sql: """
                        INSERT INTO tuning_decision (run_id, fleet, trigger_kind, trigger_ref, decided_at, result,
                            reason, table_version, quality_ratio, latency_ratio, cost_ratio, window_start, window_end,
                            window_first_offset, window_end_offset)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        decision.runID, decision.fleet, decision.trigger.kind.rawValue, decision.trigger.reference,
                        decision.decidedAt, decision.result.rawValue, decision.reason,
                        decision.tableVersion.map(Int64.init), decision.qualityRatio, decision.latencyRatio,
                        decision.costRatio, decision.window.start, decision.window.end, decision.window.firstOffset,
                        decision.window.endOffset,
                    ]
                )
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                #expect(!tables.contains("rollout_event"))
            }
        }
        let store = try HistoryStore(path: path)
        #expect(try await store.appliedMigrations() == everyMigration)
        #expect(try await store.integrityProblems().isEmpty)
        #expect(try await store.table(fleet: "phones", version: 1) == canary)
        #expect(try await store.tuningDecisions(HistoryQuery()) == [decision])
        #expect(try await store.rolloutEvents(HistoryQuery()).isEmpty)
        let event = Sample.rollout(step: .promoted)
        try await store.recordRolloutEvent(event)
        #expect(try await store.rolloutEvents(HistoryQuery(fleet: "phones")) == [event])

        // Rows that bypass the record's validation: a start with figures, an end without a result version.
        let queue = try DatabaseQueue(path: path)
        for sql in [
            """
            INSERT INTO rollout_event VALUES ('phones', 9, 'started', 1, 'controller', 8, 10, NULL, 'x',
                1, 0.5, 1, 0.5, -1, 1)
            """,
            """
            INSERT INTO rollout_event VALUES ('phones', 9, 'promoted', 1, 'controller', 8, 10, NULL, 'x',
                1, 0.5, 1, 0.5, -1, 1)
            """,
            """
            INSERT INTO rollout_event VALUES ('phones', 9, 'promoted', 1, 'nobody', 8, 10, 10, 'x',
                1, 0.5, 1, 0.5, -1, 1)
            """,
        ] {
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: sql) } }
        }
        let indexes = try await queue.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rollout_event' "
                    + "AND sql IS NOT NULL ORDER BY name"
            )
        }
        #expect(indexes == ["rollout_event_decided", "rollout_event_decided_all"])
    }
}
