import ArgumentParser
import ConsRouteModel
import ConsRouteStore

extension HistoryCommand {
    /// `consroute history drift`: drift detections and what the controller did about them.
    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List drift events: detector, signal, cluster, tier, statistic against threshold, action.",
            discussion: "--since/--until filter on the detection time."
        )

        @OptionGroup var options: HistoryOptions

        @Option(name: .long, help: "Only events of this cluster.")
        var cluster: UInt32?

        func run() async throws {
            let store = try options.openStore()
            let events = try await store.driftEvents(
                options.listingQuery(nowMs: WallClock.nowMs()),
                cluster: cluster
            )
            HistoryCommand.printListing(HistoryListing.drift(events, limit: options.rowLimit), options)
        }
    }
}
