import ConsRouteTestSupport
import Foundation
import GRDB
import Testing

@testable import ConsRouteStore

@Suite("Migration v2: the bootstrap trigger")
struct BootstrapTriggerMigrationTests {
    @Test("a version-1 file keeps every row, index and trial, and then accepts bootstrap triggers")
    func upgradesVersionOneFile() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try HistoryStore.migrator.migrate(queue, upTo: "v1-history-schema")
        }
        // Rows written by a version-1 controller, through the store's own insert statements.
        do {
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(
                    sql: ThresholdTableRecord.insertSQL,
                    arguments: try Sample.table(version: 1).validatedArguments()
                )
                try db.execute(
                    sql:
                        "INSERT INTO optimiser_run VALUES ('run-1', 'phones', 2, 'sweep', 'schedule', NULL, 1000, 4, 0.8, 0.5, 0.6, 0.97, 0.4, 0.3)"
                )
                try db.execute(sql: "INSERT INTO optimiser_trial VALUES ('run-1', 0, 0.8, 0.5, 0.6)")
            }
        }
        let store = try HistoryStore(path: path)
        #expect(try await store.appliedMigrations() == everyMigration)
        #expect(try await store.integrityProblems().isEmpty)
        #expect(try await store.table(fleet: "phones", version: 1) == Sample.table(version: 1))
        #expect(try await store.optimiserTrials(runID: "run-1").count == 1)

        var bootstrap = Sample.table(version: 2)
        bootstrap.trigger = .bootstrap
        try await store.updateTableStatus(fleet: "phones", version: 1, to: .superseded)
        try await store.insertTable(bootstrap)
        #expect(try await store.table(fleet: "phones", version: 2)?.trigger == .bootstrap)
        var run = Sample.reclusterRun(id: "recluster-1")
        run.trigger = .bootstrap
        try await store.recordReclusterRun(run)
        #expect(try await store.reclusterRuns(HistoryQuery()).first?.trigger == .bootstrap)

        // The rebuilt tables have their indexes back, the one-active-table index among them.
        let indexes = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
            )
        }
        #expect(
            indexes == [
                "drift_event_detected", "drift_event_detected_all", "optimiser_run_started",
                "optimiser_run_started_all",
                "recluster_run_started", "recluster_run_started_all", "rollout_event_decided",
                "rollout_event_decided_all",
                "threshold_table_created", "threshold_table_one_active",
                "threshold_table_one_canary", "tuning_decision_decided", "tuning_decision_decided_all",
                "window_statistics_bucket",
            ]
        )
    }
}
