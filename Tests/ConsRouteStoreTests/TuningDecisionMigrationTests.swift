import ConsRouteTestSupport
import Foundation
import GRDB
import Testing

@testable import ConsRouteStore

@Suite("Migration v3: tuning decisions")
struct TuningDecisionMigrationTests {
    @Test("a version-2 file keeps its rows, gains the decision table and its indexes, and records decisions")
    func upgradesVersionTwoFile() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try HistoryStore.migrator.migrate(queue, upTo: "v2-bootstrap-trigger")
        }
        // Rows written by a version-2 controller, through the store's own insert statements.
        var bootstrap = Sample.table(version: 1)
        bootstrap.trigger = .bootstrap
        var run = Sample.reclusterRun(id: "phones/run/1/recluster")
        run.trigger = .bootstrap
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { [bootstrap, run] db in
                try db.execute(sql: ThresholdTableRecord.insertSQL, arguments: try bootstrap.validatedArguments())
                try db.execute(sql: ReclusterRunRecord.insertSQL, arguments: try run.validatedArguments())
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                #expect(!tables.contains("tuning_decision"))
            }
        }
        let store = try HistoryStore(path: path)
        #expect(try await store.appliedMigrations() == everyMigration)
        #expect(try await store.integrityProblems().isEmpty)
        #expect(try await store.table(fleet: "phones", version: 1) == bootstrap)
        #expect(try await store.reclusterRuns(HistoryQuery()) == [run])
        #expect(try await store.tuningDecisions(HistoryQuery()).isEmpty)

        var decision = Sample.decision(runID: "phones/run/1")
        decision.trigger = .bootstrap
        decision.tableVersion = 1
        try await store.recordTuningDecision(decision)
        #expect(try await store.tuningDecisions(HistoryQuery(fleet: "phones")) == [decision])

        let indexes = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tuning_decision' "
                    + "AND sql IS NOT NULL ORDER BY name"
            )
        }
        #expect(indexes == ["tuning_decision_decided", "tuning_decision_decided_all"])
    }

    @Test("the schema's CHECK constraints refuse rows that bypass the record's validation")
    func checkConstraints() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        _ = try HistoryStore(path: path)
        let queue = try DatabaseQueue(path: path)
        let valid: KeyValuePairs<String, (any DatabaseValueConvertible)?> = [
            "run_id": "ok", "fleet": "phones", "trigger_kind": "schedule", "trigger_ref": nil, "decided_at": 1_000,
            "result": "published", "reason": "", "table_version": 4, "quality_ratio": 0.97, "latency_ratio": 0.4,
            "cost_ratio": 0.3, "window_start": 0, "window_end": 1_000,
        ]
        func insert(_ changes: [String: (any DatabaseValueConvertible)?]) async throws {
            let columns = valid.map(\.key)
            let values = valid.map { column, value in
                let chosen = changes.keys.contains(column) ? changes[column]! : value
                return chosen?.databaseValue ?? .null
            }
            let sql =
                "INSERT INTO tuning_decision (\(columns.joined(separator: ", "))) VALUES "
                + "(\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
            try await queue.write { db in try db.execute(sql: sql, arguments: StatementArguments(values)) }
        }
        try await insert([:])
        // Each row is the valid one with some columns replaced; every one breaks a constraint.
        let broken: [[String: (any DatabaseValueConvertible)?]] = [
            ["run_id": ""], ["fleet": ""], ["trigger_kind": "cron"], ["result": "skipped"],
            ["reason": "published, yet with a reason"], ["table_version": nil], ["table_version": 0],
            ["result": "rejected", "reason": "guardrail"], ["result": "failed", "table_version": nil],
            ["quality_ratio": -1], ["cost_ratio": nil], ["window_end": -5],
        ]
        for (index, changes) in broken.enumerated() {
            var row = changes
            if !row.keys.contains("run_id") { row.updateValue("broken-\(index)", forKey: "run_id") }
            await #expect(throws: DatabaseError.self, "\(changes)") { try await insert(row) }
        }
        try await insert(["run_id": "rejected", "result": "rejected", "reason": "guardrail", "table_version": nil])
        let stored = try await HistoryStore(path: path).tuningDecisions(HistoryQuery())
        #expect(stored.map(\.runID) == ["rejected", "ok"])
    }
}
