import ConsRouteStore
import ConsRouteTestSupport
import GRDB
import Testing

@Suite("Table history")
struct TableHistoryTests {
    @Test("an empty store has no tables")
    func empty() async throws {
        let store = try makeStore()
        #expect(try await store.latestTable(fleet: "phones") == nil)
        #expect(try await store.latestTables().isEmpty)
        #expect(try await store.highestTableVersion(fleet: "phones") == nil)
        #expect(try await store.table(fleet: "phones", version: 1) == nil)
        #expect(try await store.tables(HistoryQuery()).isEmpty)
    }

    @Test("a table round-trips with every field, optional fields nil or set")
    func roundTrip() async throws {
        let store = try makeStore()
        let first = ThresholdTableRecord(
            fleet: "phones",
            version: 1,
            parentVersion: nil,
            status: .active,
            createdAt: 5,
            expiresAt: 5,
            trigger: .schedule,
            optimiserRunID: nil,
            envelope: #"{"table":{}}"#
        )
        var second = Sample.table(version: UInt64(Int64.max), status: .canary, createdAt: 7)
        second.trigger = .operatorRequest(note: "")
        try await store.insertTable(first)
        try await store.insertTable(second)
        #expect(try await store.table(fleet: "phones", version: 1) == first)
        #expect(try await store.table(fleet: "phones", version: UInt64(Int64.max)) == second)
        #expect(try await store.latestTable(fleet: "phones") == second)
        #expect(try await store.highestTableVersion(fleet: "phones") == UInt64(Int64.max))
    }

    @Test("a duplicate version is rejected with a clear error and changes nothing")
    func duplicateVersion() async throws {
        let store = try makeStore()
        try await store.insertTable(Sample.table(version: 3))
        var duplicate = Sample.table(version: 3, status: .canary)
        duplicate.envelope = "{}"
        await #expect(throws: HistoryStoreError.duplicateTableVersion(fleet: "phones", version: 3)) {
            try await store.insertTable(duplicate)
        }
        #expect(try await store.table(fleet: "phones", version: 3) == Sample.table(version: 3))
        let message = String(describing: HistoryStoreError.duplicateTableVersion(fleet: "phones", version: 3))
        #expect(message.contains("phones") && message.contains("3"))
    }

    @Test("a version below the fleet's highest is rejected; other fleets count separately")
    func versionMustIncrease() async throws {
        let store = try makeStore()
        try await store.insertTable(Sample.table(version: 5))
        await #expect(throws: HistoryStoreError.tableVersionNotIncreasing(fleet: "phones", version: 4, highest: 5)) {
            try await store.insertTable(Sample.table(version: 4))
        }
        try await store.insertTable(Sample.table(fleet: "watches", version: 1))
        #expect(try await store.highestTableVersion(fleet: "watches") == 1)
        #expect(try await store.highestTableVersion(fleet: "phones") == 5)
    }

    @Test("bad fields are named: version 0, version above Int64.max, parent not below, expiry before creation")
    func invalidFields() async throws {
        let store = try makeStore()
        var zero = Sample.table(version: 1)
        zero.version = 0
        var huge = Sample.table(version: 1)
        huge.version = UInt64(Int64.max) + 1
        var parent = Sample.table(version: 2)
        parent.parentVersion = 2
        var expired = Sample.table(version: 1)
        expired.expiresAt = expired.createdAt - 1
        var emptyFleet = Sample.table(version: 1)
        emptyFleet.fleet = ""
        let cases: [(ThresholdTableRecord, String)] = [
            (zero, "table.version"), (huge, "table.version"), (parent, "table.parentVersion"),
            (expired, "table.expiresAt"), (emptyFleet, "table.fleet"),
        ]
        for (table, field) in cases {
            await #expect {
                try await store.insertTable(table)
            } throws: { error in
                guard case .invalidField(let named, _) = error as? HistoryStoreError else { return false }
                return named == field
            }
        }
        #expect(try await store.tables(HistoryQuery()).isEmpty)
    }

    @Test("a new active table supersedes the active and canary ones; a new canary only the canary")
    func statusSlots() async throws {
        let store = try makeStore()
        try await store.insertTable(Sample.table(version: 1, status: .active))
        try await store.insertTable(Sample.table(version: 2, status: .canary))
        try await store.insertTable(Sample.table(version: 3, status: .canary))
        #expect(try await store.table(fleet: "phones", version: 1)?.status == .active)
        #expect(try await store.table(fleet: "phones", version: 2)?.status == .superseded)
        try await store.insertTable(Sample.table(version: 4, status: .active))
        let statuses = try await store.tables(HistoryQuery(fleet: "phones")).map(\.status)
        #expect(statuses == [.active, .superseded, .superseded, .superseded])
        try await store.insertTable(Sample.table(fleet: "watches", version: 1, status: .active))
        #expect(try await store.table(fleet: "phones", version: 4)?.status == .active)
    }

    @Test("promoting a canary supersedes the active table; rolling back leaves the active one")
    func promoteAndRollBack() async throws {
        let store = try makeStore()
        try await store.insertTable(Sample.table(version: 1, status: .active))
        try await store.insertTable(Sample.table(version: 2, status: .canary))
        let promoted = try await store.updateTableStatus(fleet: "phones", version: 2, to: .active)
        #expect(promoted.status == .active)
        #expect(try await store.table(fleet: "phones", version: 1)?.status == .superseded)
        try await store.insertTable(Sample.table(version: 3, status: .canary))
        try await store.updateTableStatus(fleet: "phones", version: 3, to: .rolledBack)
        #expect(try await store.tables(HistoryQuery(), status: .active).map(\.version) == [2])
        #expect(try await store.tables(HistoryQuery(), status: .rolledBack).map(\.version) == [3])
        let unchanged = try await store.updateTableStatus(fleet: "phones", version: 2, to: .active)
        #expect(unchanged.status == .active)
        await #expect(throws: HistoryStoreError.tableNotFound(fleet: "phones", version: 9)) {
            try await store.updateTableStatus(fleet: "phones", version: 9, to: .active)
        }
    }

    @Test("lists filter by fleet, since, until and limit, newest first")
    func listQueries() async throws {
        let store = try makeStore()
        for version in UInt64(1)...5 {
            try await store.insertTable(Sample.table(version: version, createdAt: Int64(version) * 100))
            try await store.insertTable(
                Sample.table(fleet: "watches", version: version, createdAt: Int64(version) * 100 + 50)
            )
        }
        #expect(try await store.tables(HistoryQuery(fleet: "phones")).map(\.version) == [5, 4, 3, 2, 1])
        #expect(try await store.tables(HistoryQuery(fleet: "phones", since: 300)).map(\.version) == [5, 4, 3])
        #expect(try await store.tables(HistoryQuery(fleet: "phones", since: 200, until: 400)).map(\.version) == [3, 2])
        #expect(try await store.tables(HistoryQuery(fleet: "phones", limit: 2)).map(\.version) == [5, 4])
        let newestTwo = try await store.tables(HistoryQuery(limit: 2)).map { "\($0.fleet)/\($0.version)" }
        #expect(newestTwo == ["watches/5", "phones/5"])
        #expect(try await store.latestTables().map { "\($0.fleet)/\($0.version)" } == ["phones/5", "watches/5"])
    }

    @Test("bad queries are rejected: non-positive limit, until before since, empty fleet")
    func invalidQueries() async throws {
        let store = try makeStore()
        for query in [HistoryQuery(limit: 0), HistoryQuery(since: 10, until: 5), HistoryQuery(fleet: "")] {
            await #expect(throws: HistoryStoreError.self) { try await store.tables(query) }
        }
    }

    @Test("the highest version survives closing and reopening the file, and still blocks reuse")
    func highestVersionSurvivesReopen() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        do {
            let store = try HistoryStore(path: path)
            for version in UInt64(1)...3 { try await store.insertTable(Sample.table(version: version)) }
        }
        let reopened = try HistoryStore(path: path)
        #expect(try await reopened.highestTableVersion(fleet: "phones") == 3)
        #expect(try await reopened.latestTable(fleet: "phones") == Sample.table(version: 3))
        await #expect(throws: HistoryStoreError.duplicateTableVersion(fleet: "phones", version: 3)) {
            try await reopened.insertTable(Sample.table(version: 3))
        }
    }

    @Test("a row this version cannot read is reported by table and column, not a crash")
    func unreadableRow() async throws {
        let directory = try TemporaryDirectory(prefix: "consroute-store")
        let path = directory.path("history.sqlite")
        let store = try HistoryStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO threshold_table (fleet, version, status, created_at, expires_at, trigger_kind, envelope)
                    VALUES ('phones', 1, 'active', 0, 0, 'drift', '{}')
                    """
            )
        }
        await #expect(
            throws: HistoryStoreError.unreadableRow(table: "threshold_table", column: "trigger_kind", value: "drift")
        ) {
            try await store.latestTable(fleet: "phones")
        }
    }
}
