import ArgumentParser
import Foundation

/// `consroute history`: what the controller stored — tables, drift events, runs, tuning decisions, rollout steps
/// and window statistics.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Query the controller's history: tables, drift events, runs, tuning decisions, rollouts, statistics.",
        discussion: """
            Reads the SQLite history that `consroute serve` writes (--db, default $CONSROUTE_DB or \
            consroute.sqlite), also while the controller runs. Lists come newest first, at most --limit rows \
            (default 20); --since/--until take a duration back from now (30s, 15m, 2h, 7d), an ISO-8601 time or \
            unix milliseconds. Text is an aligned table; --json prints one JSON array with times as unix \
            milliseconds. Exit codes: 0 success (also when nothing matches); 1 the database is missing or \
            unreadable; 64 the command line is wrong.
            """,
        subcommands: [Tables.self, Drift.self, Runs.self, Decisions.self, Rollouts.self, Stats.self]
    )

    /// Prints a listing to standard output in the form the options ask for; with `--json`, a note that the limit
    /// left rows out goes to standard error so that standard output stays one JSON array.
    static func printListing(_ listing: HistoryListing, _ options: HistoryOptions) {
        print(listing.rendered(asJSON: options.json))
        if options.json, let note = listing.omittedNote {
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
    }
}
