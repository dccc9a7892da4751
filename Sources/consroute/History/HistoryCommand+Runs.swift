import ArgumentParser
import ConsRouteModel
import ConsRouteStore

extension HistoryCommand {
    /// `consroute history runs`: re-cluster and optimiser runs, or the trials of one optimiser run.
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List re-cluster and optimiser runs, or the trials of one optimiser run (--trials RUN_ID).",
            discussion: """
                --since/--until filter on the run's start time. With --trials, every trial of the run is \
                listed by iteration (--limit caps them; the filters do not apply) and the best is marked.
                """
        )

        @OptionGroup var options: HistoryOptions

        @Option(name: .long, help: "Only runs of this kind (recluster, optimiser); both when omitted.")
        var kind: HistoryListing.RunKind?

        @Option(name: .long, help: ArgumentHelp("List the trials of this optimiser run.", valueName: "run-id"))
        var trials: String?

        func validate() throws {
            guard let trials else { return }
            if trials.isEmpty { throw ValidationError("--trials needs an optimiser run id") }
            if kind == .recluster {
                throw ValidationError("--trials lists an optimiser run's trials; drop --kind recluster")
            }
            if options.fleet != nil || options.since != nil || options.until != nil {
                throw ValidationError("--trials lists one run: --fleet, --since and --until do not apply")
            }
        }

        func run() async throws {
            let store = try options.openStore()
            if let trials {
                let records = try await store.optimiserTrials(runID: trials)
                guard !records.isEmpty else {
                    throw CommandFailure(
                        "no trials of optimiser run '\(trials)' are stored in \(options.databasePath); "
                            + "`consroute history runs --kind optimiser` lists the runs"
                    )
                }
                HistoryCommand.printListing(
                    HistoryListing.trials(records, runID: trials, limit: options.limit),
                    options
                )
                return
            }
            let kinds = kind.map { Set([$0]) } ?? Set(HistoryListing.RunKind.allCases)
            let query = try options.listingQuery(nowMs: WallClock.nowMs())
            let reclusters = kinds.contains(.recluster) ? try await store.reclusterRuns(query) : []
            let optimisers = kinds.contains(.optimiser) ? try await store.optimiserRuns(query) : []
            let listing = HistoryListing.runs(
                reclusters: reclusters,
                optimisers: optimisers,
                kinds: kinds,
                limit: options.rowLimit
            )
            HistoryCommand.printListing(listing, options)
        }
    }
}

extension HistoryListing.RunKind: ExpressibleByArgument {}
