import ArgumentParser
import ConsRouteModel
import ConsRouteStore

extension HistoryCommand {
    /// `consroute history tables`: published tables with their rollout and acknowledgements.
    struct Tables: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List published tables: version, status, stage, trigger, expected ratios, acknowledgements.",
            discussion: """
                --since/--until filter on the table's creation time. The expected quality, latency and cost \
                ratios (against all-cloud routing) come from the signed table; applied/rejected count the \
                devices that acknowledged each version.
                """
        )

        @OptionGroup var options: HistoryOptions

        @Option(name: .long, help: "Only tables in this state (active, canary, superseded, rolled_back).")
        var status: String?

        func validate() throws {
            guard let status, TableStatus(rawValue: status) == nil else { return }
            let states = TableStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--status \"\(status)\" is not a table state; use one of \(states)")
        }

        func run() async throws {
            let store = try options.openStore()
            let query = try options.listingQuery(nowMs: WallClock.nowMs())
            let records = try await store.tables(query, status: status.flatMap(TableStatus.init(rawValue:)))
            var acknowledgements: [HistoryListing.TableKey: AcknowledgementCounts] = [:]
            for record in records.prefix(options.rowLimit) {
                let counts = try await store.acknowledgements(fleet: record.fleet, version: record.version)
                acknowledgements[HistoryListing.TableKey(fleet: record.fleet, version: record.version)] = counts.first
            }
            let listing = try HistoryListing.tables(
                records,
                acknowledgements: acknowledgements,
                limit: options.rowLimit
            )
            HistoryCommand.printListing(listing, options)
        }
    }
}
