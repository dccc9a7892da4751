import ArgumentParser
import ConsRouteModel
import ConsRouteStore

extension HistoryCommand {
    /// `consroute history rollouts`: the steps of staged rollouts — canaries started, promoted, rolled back.
    struct Rollouts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "List rollout steps: canaries started, promoted or rolled back, with the sequential test's figures.",
            discussion: """
                --since/--until filter on the step's time. A promotion or rollback names the version it published, \
                who took it (the controller's test or time limit, or an operator), why, and the test's figures: \
                shadow samples and mean per-sample objective of the canary and of the control (the active table it \
                was compared with), and the confidence bounds of canary - control.
                """
        )

        @OptionGroup var options: HistoryOptions

        @Option(name: .long, help: "Only steps of this kind (started, promoted, rolled_back).")
        var step: String?

        func validate() throws {
            guard let step, RolloutStep(rawValue: step) == nil else { return }
            let steps = RolloutStep.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--step \"\(step)\" is not a rollout step; use one of \(steps)")
        }

        func run() async throws {
            let store = try options.openStore()
            let events = try await store.rolloutEvents(
                options.listingQuery(nowMs: WallClock.nowMs()),
                step: step.flatMap(RolloutStep.init(rawValue:))
            )
            HistoryCommand.printListing(HistoryListing.rollouts(events, limit: options.rowLimit), options)
        }
    }
}
