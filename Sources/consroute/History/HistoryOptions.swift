import ArgumentParser
import ConsRouteModel
import ConsRouteStore
import Foundation

/// The options every `consroute history` subcommand shares: the database, the filters and the output form.
struct HistoryOptions: ParsableArguments {
    /// The database `consroute serve` writes when no path is configured: `$CONSROUTE_DB`, else
    /// `consroute.sqlite` in the current directory.
    static var defaultDatabasePath: String {
        let configured = ProcessInfo.processInfo.environment["CONSROUTE_DB"] ?? ""
        return configured.isEmpty ? "consroute.sqlite" : configured
    }

    /// The number of rows shown when `--limit` is not given.
    static let defaultLimit = 20

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The history database (SQLite).",
            discussion: "Default: $CONSROUTE_DB, else consroute.sqlite in the current directory.",
            valueName: "path"
        )
    )
    var db: String?

    @Option(name: .long, help: "Only this fleet.")
    var fleet: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only rows at or after this time.",
            discussion: "A duration back from now (30s, 15m, 2h, 7d, 1h30m), an ISO-8601 time "
                + "(2026-11-22T07:30:00Z), a UTC date (2026-11-22) or unix milliseconds.",
            valueName: "time"
        )
    )
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only rows before this time (same forms as --since).", valueName: "time"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("At most this many rows, newest first (default 20).", valueName: "n"))
    var limit: Int?

    @Flag(name: .long, help: "Print one JSON array (stable field names, times as unix milliseconds).")
    var json = false

    /// The database path in effect.
    var databasePath: String { db ?? Self.defaultDatabasePath }

    mutating func validate() throws {
        if let db, db.isEmpty { throw ValidationError("--db must not be empty") }
        if let fleet, fleet.isEmpty { throw ValidationError("--fleet must not be empty") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, is \(limit)") }
        _ = try query(nowMs: WallClock.nowMs(), limit: nil)
    }

    /// Opens the history database, which must exist: a history command never creates one.
    /// - Throws: `CommandFailure` naming the path when the file is missing, is a directory, or cannot be opened.
    func openStore() throws -> HistoryStore {
        let path = databasePath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure(
                "no history database at \(path): pass --db PATH or set CONSROUTE_DB (consroute serve creates it)"
            )
        }
        guard !isDirectory.boolValue else {
            throw CommandFailure("\(path) is a directory, not a history database: pass --db PATH to the SQLite file")
        }
        do {
            // Read-only: history commands never write, so they work on read-only storage and change nothing.
            return try HistoryStore(readingFrom: path)
        } catch let error as HistoryStoreError {
            throw CommandFailure("\(error)")
        }
    }

    /// The store query these options select, with the times resolved against `nowMs`.
    /// - Parameters:
    ///   - nowMs: The current time, unix milliseconds.
    ///   - limit: The row limit to ask the store for (nil: every matching row).
    /// - Throws: `ValidationError` naming the option whose time cannot be read, or an empty range.
    func query(nowMs: Int64, limit: Int?) throws -> HistoryQuery {
        let start = try resolve(since, option: "--since", nowMs: nowMs)
        let end = try resolve(until, option: "--until", nowMs: nowMs)
        if let start, let end, end <= start {
            throw ValidationError("--until (\(until!)) must be after --since (\(since!)): the range is empty")
        }
        return HistoryQuery(fleet: fleet, since: start, until: end, limit: limit)
    }

    /// The query for a newest-first listing: the limit plus one, so the listing can tell that more rows match.
    func listingQuery(nowMs: Int64) throws -> HistoryQuery {
        try query(nowMs: nowMs, limit: rowLimit == Int.max ? nil : rowLimit + 1)
    }

    /// The row limit in effect.
    var rowLimit: Int { limit ?? Self.defaultLimit }

    private func resolve(_ text: String?, option: String, nowMs: Int64) throws -> Int64? {
        guard let text else { return nil }
        do {
            return try TimeArgument.milliseconds(text, nowMs: nowMs)
        } catch let error as TimeArgument.ParseError {
            throw ValidationError("\(option): \(error)")
        }
    }
}
