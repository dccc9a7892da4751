import ArgumentParser
import ConsRouteModel
import ConsRouteStore

extension HistoryCommand {
    /// `consroute history stats`: window statistics per fleet, cluster and tier.
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show window statistics per fleet, cluster and tier: counts, means, quality ratio, shares.",
            discussion: """
                Adds up the time buckets whose start lies in --since/--until (default: every stored bucket). \
                Rows are ordered by fleet, cluster and tier; --limit caps the rows shown. Latency and cost are \
                means over all events; score and quality over shadow samples, quality being the served tier's \
                score over the cloud's on the same samples. Shares are of the fleet's and of the cluster's events.
                """
        )

        @OptionGroup var options: HistoryOptions

        @Option(name: .long, help: "Only this cluster.")
        var cluster: UInt32?

        func run() async throws {
            let store = try options.openStore()
            var summaries = try await store.statistics(options.query(nowMs: WallClock.nowMs(), limit: nil))
            if let cluster { summaries.removeAll { $0.cluster != cluster } }
            HistoryCommand.printListing(HistoryListing.stats(summaries, limit: options.rowLimit), options)
        }
    }
}
