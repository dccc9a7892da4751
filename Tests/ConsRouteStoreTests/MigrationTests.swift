import ConsRouteStore
import ConsRouteTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("an in-memory store is migrated and intact")
    func inMemorySchema() async throws {
        let store = try makeStore()
        #expect(try await store.appliedMigrations() == everyMigration)
        #expect(try await store.integrityProblems().isEmpty)
        #expect(store.path == nil)
    }

    @Test("a file store creates every table, runs in WAL mode, and reopening applies nothing twice")
    func fileSchema() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        do {
            let store = try HistoryStore(path: path)
            #expect(store.path == path)
        }
        let reopened = try HistoryStore(path: path)
        #expect(try await reopened.appliedMigrations() == everyMigration)
        let queue = try DatabaseQueue(path: path)
        let (tables, journalMode) = try await queue.read { db in
            (
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT name FROM sqlite_master
                        WHERE type = 'table' AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%' ORDER BY name
                        """
                ),
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            )
        }
        #expect(
            tables == [
                "consumer_offset", "consumer_offset_cluster", "dead_letter_outbox", "drift_event", "history_outbox",
                "optimiser_run", "optimiser_trial", "recluster_run",
                "rollout_event", "table_acknowledgement", "threshold_table", "tuning_decision", "window_statistics",
            ]
        )
        #expect(journalMode == "wal")
    }

    @Test("a file that is not a database fails to open with the path in the message")
    func notADatabase() throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("garbage.sqlite")
        try String(repeating: "not sqlite ", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try HistoryStore(path: path)
        } throws: { error in
            guard case .openFailed(let failedPath, _) = error as? HistoryStoreError else { return false }
            return failedPath == path && String(describing: error).contains(path)
        }
    }

    @Test("a missing directory fails to open with a clear error")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        #expect(throws: HistoryStoreError.self) {
            try HistoryStore(path: directory.path("no/such/dir/history.sqlite"))
        }
    }
}

@Suite("Concurrent opening")
struct ConcurrentOpeningTests {
    @Test("many connections opening a new file at once all succeed and migrate it once")
    func concurrentFirstOpen() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                _ = try HistoryStore(path: path)
            } catch {
                failures.append(String(describing: error))
            }
        }
        #expect(failures.all.isEmpty)
        #expect(try await HistoryStore(path: path).appliedMigrations() == everyMigration)
    }
}

/// Error messages collected from several threads.
private final class Failures: Sendable {
    private let messages = Mutex<[String]>([])

    func append(_ message: String) { messages.withLock { $0.append(message) } }
    var all: [String] { messages.withLock { $0 } }
}

@Suite("Database failures")
struct DatabaseFailureTests {
    @Test("an SQLite failure during a read is reported with the file's path, as a HistoryStoreError")
    func failureNamesTheFile() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        let store = try HistoryStore(path: path)
        try await DatabaseQueue(path: path).write { db in try db.execute(sql: "DROP TABLE drift_event") }
        await #expect {
            try await store.driftEvents(HistoryQuery())
        } throws: { error in
            guard case .databaseFailure(let failedPath, let reason) = error as? HistoryStoreError else { return false }
            return failedPath == path && reason.contains("drift_event")
        }
    }
}

/// Issue 14 (1): stored consumer offsets belong to the Kafka cluster they were read from.
@Suite("Consumer offsets bound to a cluster")
struct OffsetClusterBindingTests {
    @Test("new, same, adopted from before clusters were recorded, and a changed cluster discarding the offsets")
    func binding() async throws {
        let store = try makeStore()
        #expect(try await store.bindConsumerOffsets(group: "g", topic: "t", clusterID: "A") == .new)
        try await store.apply(
            IngestEffect(offsets: [
                ConsumerOffset(group: "g", topic: "t", partition: 0, nextOffset: 10_000),
                ConsumerOffset(group: "g", topic: "t", partition: 1, nextOffset: 20),
            ])
        )
        #expect(try await store.bindConsumerOffsets(group: "g", topic: "t", clusterID: "A") == .same)
        #expect(try await store.storedOffsets(group: "g", topic: "t") == [0: 10_000, 1: 20])

        #expect(
            try await store.bindConsumerOffsets(group: "g", topic: "t", clusterID: "B")
                == .changed(previous: "A", discardedPartitions: 2)
        )
        #expect(try await store.storedOffsets(group: "g", topic: "t").isEmpty)
        #expect(try await store.consumerOffsetCluster(group: "g", topic: "t") == "B")
        // The new cluster's log starts at 0 again: its first offsets are stored, not refused as already applied.
        try await store.apply(
            IngestEffect(offsets: [ConsumerOffset(group: "g", topic: "t", partition: 0, nextOffset: 5)])
        )
        #expect(try await store.storedOffsets(group: "g", topic: "t") == [0: 5])

        // Offsets stored before any binding (a history from before this migration) are adopted once.
        try await store.apply(
            IngestEffect(offsets: [ConsumerOffset(group: "old", topic: "t", partition: 0, nextOffset: 7)])
        )
        #expect(
            try await store.bindConsumerOffsets(group: "old", topic: "t", clusterID: "B") == .adopted(partitions: 1)
        )
        #expect(try await store.storedOffsets(group: "old", topic: "t") == [0: 7])
        await #expect(throws: HistoryStoreError.self) {
            _ = try await store.bindConsumerOffsets(group: "g", topic: "t", clusterID: "")
        }
    }

    @Test("a 0-byte history file is refused, read-write and read-only, with what to do")
    func emptyFile() throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        try Data().write(to: URL(fileURLWithPath: path))
        // A file SQLite is creating right now is empty for a moment too: only an older empty file is refused.
        #expect(throws: Never.self) { try HistoryStore(path: path) }
        try FileManager.default.removeItem(atPath: path)
        try Data().write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: path)
        let openers: [() throws -> HistoryStore] = [
            { try HistoryStore(path: path) }, { try HistoryStore(readingFrom: path) },
        ]
        for open in openers {
            #expect {
                _ = try open()
            } throws: { error in
                guard case .openFailed(path, let reason) = error as? HistoryStoreError else { return false }
                return reason.contains("empty (0 bytes)") && reason.contains("restart table versions")
            }
        }
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue == 0)
    }

    @Test("a read-only open reads a history without migrating or writing it")
    func readOnly() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        do {
            let store = try HistoryStore(path: path)
            try await store.apply(
                IngestEffect(offsets: [ConsumerOffset(group: "g", topic: "t", partition: 0, nextOffset: 3)])
            )
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try HistoryStore(readingFrom: path)
        #expect(try await reader.storedOffsets(group: "g", topic: "t") == [0: 3])
        await #expect(throws: HistoryStoreError.self) {
            try await reader.apply(
                IngestEffect(offsets: [ConsumerOffset(group: "g", topic: "t", partition: 0, nextOffset: 4)])
            )
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
