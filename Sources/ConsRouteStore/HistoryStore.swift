import Foundation
import GRDB

/// The controller's SQLite history: threshold tables, drift events, re-cluster and optimiser runs, tuning
/// decisions, time-bucketed window statistics, acknowledgement counts and Kafka consumer offsets.
///
/// **Files and durability.** On a file the store is a GRDB `DatabasePool` in WAL mode: one writer and
/// concurrent readers (the HTTP API and `consroute history` read while ingest writes; other processes wait
/// up to five seconds for a lock). The connection runs with `synchronous = NORMAL`: in WAL mode every commit
/// is atomic and survives a killed process; a power loss can lose the last commits but never corrupts the
/// file. That is safe for ingest because a batch's statistics and its consumer offsets commit together, so a
/// lost tail is simply consumed again from Kafka. A table is different: it is published to devices right
/// after it is written, and its version must never be reused, so ``insertTable(_:)`` commits with
/// `synchronous = FULL` (the WAL is fsynced before the call returns).
///
/// **Threads.** Every operation except opening is `async` and runs on GRDB's own serial dispatch queues
/// (writer and reader pool), never on Swift's cooperative thread pool; awaiting callers are suspended, not
/// blocked. Opening is synchronous: it happens once at start-up.
///
/// **Errors.** Operations throw ``HistoryStoreError`` (besides each method's own cases, any SQLite failure
/// arrives as ``HistoryStoreError/databaseFailure(path:reason:)``), or `CancellationError` when the awaiting
/// task is cancelled: GRDB then interrupts the statement and a write transaction rolls back as a whole.
///
/// **Schema.** All timestamps are INTEGER unix milliseconds (UTC); durations are REAL milliseconds. The
/// schema is created and upgraded by named migrations (see `HistoryStore+Migrations.swift`).
public final class HistoryStore: Sendable {
    let writer: any DatabaseWriter

    /// The database file path, or nil for an in-memory store.
    public let path: String?

    /// Whether every drift event, run, decision and rollout step recorded here is also written to the history
    /// outbox, for the replicas that share the history topic (docs/design.md §9).
    public let sharesChanges: Bool

    /// Rung after each committed transaction that wrote to the history outbox.
    let outboxDoorbell = OutboxDoorbell()

    /// Opens (creating if needed) the history database at `path` in WAL mode and applies pending migrations.
    ///
    /// Blocks while the file is opened and migrated; call it at start-up.
    /// - Parameters:
    ///   - path: The SQLite file; its directory must exist.
    ///   - sharesChanges: Write every record to the history outbox too (``pendingChanges(limit:)``), for replicas.
    /// - Throws: ``HistoryStoreError/openFailed(path:reason:)`` when the file cannot be opened, is not a
    ///   database, or cannot be migrated.
    public init(path: String, sharesChanges: Bool = false) throws {
        try Self.refuseEmptyFile(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            writer = try Self.openAndMigrate(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw HistoryStoreError.openFailed(path: path, reason: error.message ?? error.description)
        }
        self.path = path
        self.sharesChanges = sharesChanges
    }

    /// Opens an existing history for reading only: no migration, no write, so that `consroute history` works on
    /// read-only storage and never changes the file it inspects.
    ///
    /// The file is opened read-only; when SQLite cannot do that for a WAL database (its `-shm` cannot be created
    /// on read-only storage), it is opened as immutable (nothing else may be writing it then).
    /// - Parameter path: The SQLite file; it must exist and not be empty.
    /// - Throws: ``HistoryStoreError/openFailed(path:reason:)`` when the file is empty, is not a database, or cannot be
    ///   read.
    public init(readingFrom path: String) throws {
        try Self.refuseEmptyFile(path)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do {
            writer = try Self.openReadOnly(path, configuration: configuration)
        } catch let first as DatabaseError {
            var immutable = URLComponents()
            immutable.scheme = "file"
            immutable.path = path
            immutable.queryItems = [URLQueryItem(name: "immutable", value: "1")]
            guard let uri = immutable.string, let queue = try? Self.openReadOnly(uri, configuration: configuration)
            else {
                throw HistoryStoreError.openFailed(path: path, reason: first.message ?? first.description)
            }
            writer = queue
        }
        self.path = path
        sharesChanges = false
    }

    private static func openReadOnly(_ path: String, configuration: Configuration) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        // The open is lazy about the WAL index: read once so that a failure shows here.
        _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        return queue
    }

    /// A 0-byte file is no history: SQLite would silently make it a new one, whose table versions restart at 1
    /// (routers that hold a higher version reject every new table). It is refused with what to do, unless it is a
    /// few seconds old: SQLite creates a new database file empty and writes its header a moment later, so a
    /// process opening it at the same time as its creator sees it empty.
    static func refuseEmptyFile(_ path: String, now: Date = Date()) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            (attributes[.type] as? FileAttributeType) == .typeRegular,
            (attributes[.size] as? NSNumber)?.int64Value == 0,
            let modified = attributes[.modificationDate] as? Date, now.timeIntervalSince(modified) > 10
        else { return }
        throw HistoryStoreError.openFailed(
            path: path,
            reason: """
                the file is empty (0 bytes), so it holds no history; a new history would restart table versions at 1 \
                and routers holding newer versions would reject its tables: restore the history from a backup, or \
                delete the empty file to start a new history deliberately
                """
        )
    }

    /// Opens the pool and applies pending migrations, retrying when another process is doing the same to the same
    /// file at the same moment.
    ///
    /// Switching a new file to WAL takes an exclusive lock that SQLite does not wait for, and GRDB reads the applied
    /// migrations before it takes the write lock: so when several processes open a new file at once, the slower ones
    /// find it locked, or re-run a migration another just committed and fail on its `CREATE`. Each migration is one
    /// transaction, so a failed attempt changes nothing and the next one sees what the others committed. A real
    /// problem fails every attempt (about three seconds in all) and is reported.
    private static func openAndMigrate(path: String, configuration: Configuration) throws -> DatabasePool {
        let attempts = 12
        for attempt in 1...attempts {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrator.migrate(pool)
                return pool
            } catch is DatabaseError where attempt < attempts {
                usleep(useconds_t(min(50_000 * attempt, 400_000)))
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    /// Creates an empty, migrated store that lives in memory (for tests and `replay`).
    /// - Throws: ``HistoryStoreError/openFailed(path:reason:)`` if SQLite cannot create the database.
    /// - Parameter sharesChanges: Write every record to the history outbox too, as ``init(path:sharesChanges:)``.
    public static func inMemory(sharesChanges: Bool = false) throws -> HistoryStore {
        do {
            let queue = try DatabaseQueue()
            try migrator.migrate(queue)
            return HistoryStore(writer: queue, sharesChanges: sharesChanges)
        } catch let error as DatabaseError {
            throw HistoryStoreError.openFailed(path: ":memory:", reason: error.message ?? error.description)
        }
    }

    private init(writer: any DatabaseWriter, sharesChanges: Bool) {
        self.writer = writer
        self.path = nil
        self.sharesChanges = sharesChanges
    }

    /// Runs SQLite's `PRAGMA integrity_check` over the whole file.
    /// - Returns: The problems SQLite reports; empty when the database is intact.
    /// - Throws: ``HistoryStoreError/databaseFailure(path:reason:)`` if the database cannot be read at all.
    /// - Complexity: O(size of the database).
    public func integrityProblems() async throws -> [String] {
        let lines = try await read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check")
        }
        return lines == ["ok"] ? [] : lines
    }

    /// Names of the migrations applied to this database, oldest first.
    /// - Throws: ``HistoryStoreError/databaseFailure(path:reason:)`` if the database cannot be read.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try Self.migrator.appliedMigrations(db) }
    }
}
