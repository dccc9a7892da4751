import ConsRouteController
import ConsRouteModel
import ConsRouteStore
import Foundation
import KafkaTestSupport
import Logging
import Testing

@testable import ConsRouteLoop

/// `FleetController` writes one decision per tuning outcome, next to the runs it records.
@Suite("Tuning decisions in history")
struct TuningDecisionTests {
    /// The end-to-end scenario's fleet settings, history in memory, tables published to a cache only.
    private struct Harness {
        let scenario: ControllerScenario
        let store: HistoryStore
        let publisher: TablePublisher
        var stream: DriftingFleetStream

        init() throws {
            scenario = try ControllerScenario(bootstrapServers: nil)
            store = try HistoryStore.inMemory()
            publisher = TablePublisher.cacheOnly(store: store)
            stream = DriftingFleetStream(fleet: scenario.fleet, seed: 21)
        }

        var settings: FleetPipelineSettings { scenario.configuration.fleets[0] }

        /// A fleet controller whose clock stands at `nowMs`, fed `events` of the stream.
        mutating func controller(
            _ settings: FleetPipelineSettings,
            current: ThresholdTable?,
            nowMs: Int64,
            events: Int
        ) async throws -> FleetController {
            let loop = FleetLoop(settings: settings, current: current, lastVersion: current?.version ?? 0)
            let controller = FleetController(
                loop: loop,
                publisher: publisher,
                store: store,
                metrics: nil,
                logger: Logger(label: "decisions"),
                clock: { nowMs }
            )
            try await controller.ingest((0..<events).map { _ in stream.next() }, isReplay: false)
            return controller
        }
    }

    @Test("a published table, a guardrail's rejection and a failed run each write exactly one decision")
    func everyOutcome() async throws {
        var harness = try Harness()
        let fleet = harness.scenario.fleet
        let start = Int64(Date().timeIntervalSince1970 * 1_000)

        // Bootstrap: the first table is published and its decision names the version.
        let first = try await harness.controller(
            harness.settings,
            current: nil,
            nowMs: start,
            events: harness.settings.bootstrapEvents
        )
        let publishedTick = try await first.tick()
        let published = try #require(publishedTick)
        let decisions = try await harness.store.tuningDecisions(HistoryQuery(fleet: fleet))
        #expect(decisions.count == 1)
        let publishedDecision = try #require(decisions.first)
        #expect(publishedDecision.result == .published && publishedDecision.reason.isEmpty)
        #expect(publishedDecision.tableVersion == published.table.version)
        #expect(publishedDecision.runID == published.table.provenance.optimiserRunID)
        #expect(publishedDecision.trigger == .bootstrap && publishedDecision.decidedAt == start)
        #expect(publishedDecision.qualityRatio == published.table.expected.qualityRatio)
        #expect(publishedDecision.latencyRatio == published.table.expected.latencyRatio)
        #expect(publishedDecision.costRatio == published.table.expected.costRatio)
        #expect(publishedDecision.window.start == published.table.provenance.windowFromMs)
        #expect(publishedDecision.window.end == published.table.provenance.windowToMs)

        // An unreachable q_min with an all-cloud table in force: no candidate clears the bound and none improves on
        // the table in force, so the guardrail rejects the proposal, nothing is published, the reason is stored.
        var strict = harness.settings
        strict.objective.qualityMin = 1.5
        var allCloud = published.table
        for index in allCloud.clusters.indices {
            allCloud.clusters[index].thresholds = ThresholdPair(device: 1, edge: 1)
        }
        let second = try await harness.controller(
            strict,
            current: allCloud,
            nowMs: start + 60_000,
            events: 1_000
        )
        try await second.requestRetune()
        let rejectedTick = try await second.tick()
        #expect(rejectedTick == nil)
        #expect(try await harness.store.highestTableVersion(fleet: fleet) == published.table.version)
        let rejected = try #require(try await harness.store.tuningDecisions(HistoryQuery(fleet: fleet)).first)
        #expect(rejected.result == .rejected && rejected.tableVersion == nil)
        #expect(
            rejected.reason.hasPrefix("guardrail: the quality ratio's lower confidence bound "),
            "\(rejected.reason)"
        )
        #expect(rejected.reason.contains("is below q_min 1.5"), "\(rejected.reason)")
        #expect(rejected.trigger == .operatorRequest(note: "retune") && rejected.decidedAt == start + 60_000)
        let quality = try #require(rejected.qualityRatio)
        #expect(quality < 1.5 && rejected.latencyRatio != nil && rejected.costRatio != nil)
        let runs = try await harness.store.optimiserRuns(HistoryQuery(fleet: fleet, since: start + 60_000))
        #expect(!runs.isEmpty && runs.allSatisfy { $0.id.hasPrefix(rejected.runID + "/cluster/") })

        // Too few shadow samples to optimise on: the run fails before any proposal, with the error as reason.
        let third = try await harness.controller(
            harness.settings,
            current: published.table,
            nowMs: start + 120_000,
            events: 100
        )
        try await third.requestRetune()
        let failedTick = try await third.tick()
        #expect(failedTick == nil)
        let all = try await harness.store.tuningDecisions(HistoryQuery(fleet: fleet))
        #expect(all.map(\.result) == [.failed, .rejected, .published])
        let failed = all[0]
        #expect(failed.reason.contains("shadow"), "\(failed.reason)")
        #expect(failed.tableVersion == nil && failed.qualityRatio == nil && failed.costRatio == nil)
        #expect(Set(all.map(\.runID)).count == 3)
    }

    @Test("a table that cannot be published is a failed decision naming the publication error, and tick throws")
    func publicationFailure() async throws {
        var harness = try Harness()
        let fleet = harness.scenario.fleet
        // A lifetime below zero gives a table that expires before it is created, which signing refuses.
        var expired = harness.settings
        expired.metadata.lifetimeMs = -1
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let controller = try await harness.controller(
            expired,
            current: nil,
            nowMs: now,
            events: harness.settings.bootstrapEvents
        )
        await #expect(throws: TableFormatError.self) { try await controller.tick() }
        #expect(try await harness.store.highestTableVersion(fleet: fleet) == nil)
        let decisions = try await harness.store.tuningDecisions(HistoryQuery(fleet: fleet))
        #expect(decisions.count == 1)
        let failed = try #require(decisions.first)
        #expect(failed.result == .failed && failed.tableVersion == nil && failed.trigger == .bootstrap)
        #expect(failed.reason.hasPrefix("publication: table.expires_at"), "\(failed.reason)")
        #expect(failed.qualityRatio != nil, "the proposal was made before publication failed")
    }
}
