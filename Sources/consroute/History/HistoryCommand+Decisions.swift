import ArgumentParser
import ConsRouteModel
import ConsRouteStore

extension HistoryCommand {
    /// `consroute history decisions`: what each tuning run decided — the table it published, or why none.
    struct Decisions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tuning decisions: published (with the version), rejected by a guardrail, or failed.",
            discussion: """
                --since/--until filter on the decision time. A rejected or failed run names its reason (the \
                guardrail's or the error); the predicted quality, latency and cost ratios (against all-cloud \
                routing) are the proposal's, absent when the run failed before proposing thresholds. The run id is \
                the published table's optimiser_run_id and begins the ids of the run's re-cluster and optimiser \
                runs (`consroute history runs`).
                """
        )

        @OptionGroup var options: HistoryOptions

        @Option(name: .long, help: "Only decisions with this result (published, rejected, failed).")
        var result: String?

        func validate() throws {
            guard let result, TuningDecisionResult(rawValue: result) == nil else { return }
            let results = TuningDecisionResult.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--result \"\(result)\" is not a tuning result; use one of \(results)")
        }

        func run() async throws {
            let store = try options.openStore()
            let decisions = try await store.tuningDecisions(
                options.listingQuery(nowMs: WallClock.nowMs()),
                result: result.flatMap(TuningDecisionResult.init(rawValue:))
            )
            HistoryCommand.printListing(HistoryListing.decisions(decisions, limit: options.rowLimit), options)
        }
    }
}
