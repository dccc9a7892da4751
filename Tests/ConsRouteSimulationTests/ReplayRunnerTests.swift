import ConsRouteController
import ConsRouteModel
import ConsRouteTestSupport
import Foundation
import Testing

@testable import ConsRouteLoop
@testable import ConsRouteSimulation

@Suite("Replay")
struct ReplayRunnerTests {
    /// One replay of the drifting small scenario shared by the properties below (it takes a few seconds).
    private static let drifting: Result<(Scenario, ReplayReport), any Error> = Result {
        let scenario = try driftingScenario()
        return (scenario, try replay(scenario, smallReplaySettings(scenario)))
    }

    /// The shared replay, waited for on a thread of its own: the first caller runs it for minutes in a debug build
    /// and the others wait for it, which on the cooperative pool (two threads here) stalled other suites' servers.
    private static func driftingReport() async throws -> ReplayReport {
        try await offPool { try drifting.get().1 }
    }

    @Test("a table is published after bootstrap; before it everything went to the cloud")
    func bootstrap() async throws {
        let report = try await Self.driftingReport()
        let first = try #require(report.tables.first)
        #expect(first.version == 1 && first.trigger == "bootstrap" && first.firstEvent >= 2_000)
        let before = report.windows.filter { $0.lastEvent < first.firstEvent }
        #expect(!before.isEmpty && before.allSatisfy { $0.tableVersion == 0 && $0.policy.shares.cloud == 1 })
        #expect(report.events == 40_000 && report.windows.count == 20)
    }

    @Test("prequential: no table is used before it was made, and none learned from events after its first use")
    func prequential() async throws {
        let report = try await Self.driftingReport()
        #expect(report.tables.count >= 2)
        for (table, next) in zip(report.tables, report.tables.dropFirst()) {
            #expect(table.version < next.version && table.firstEvent <= next.firstEvent)
        }
        for table in report.tables { #expect(table.observedEvents <= table.firstEvent) }
        for window in report.windows where window.tableVersion > 0 {
            let table = try #require(report.tables.first { $0.version == window.tableVersion })
            #expect(table.firstEvent <= window.lastEvent)
        }
    }

    @Test("after the new topic the rolling quality ratio is back at q_min and stays there in 1 - alpha of windows")
    func newTopicRecovers() async throws {
        let report = try await Self.driftingReport()
        let recluster = report.tables.first { $0.firstEvent > 15_000 && !$0.trigger.hasPrefix("bootstrap") }
        #expect(recluster != nil)
        // The promise (docs/algorithms.md): each table's fleet quality ratio clears q_min with probability
        // 1 - alpha, so the rolling ratio comes back and stays at or above q_min in at least 1 - alpha of windows;
        // a single 2,000-event window may end a little below it.
        let alpha = smallReplaySettings(try driftingScenario()).pipeline.tuner.alpha
        let rolling = try #require(report.rolling.first { $0.at == 15_000 })
        #expect(rolling.eventsToRecover != nil, "\(rolling)")
        #expect(rolling.shareAtOrAboveQMin >= 1 - alpha, "\(rolling)")
        let settled = report.windows.filter { $0.firstEvent >= 22_000 && $0.lastEvent < 28_000 }
        #expect(
            !settled.isEmpty && settled.allSatisfy { $0.policy.qualityRatio >= 0.94 },
            "\(settled.map(\.policy.qualityRatio))"
        )
    }

    @Test("adaptive beats the frozen first table on the objective after a quality drop")
    func adaptiveBeatsStatic() async throws {
        let report = try await Self.driftingReport()
        #expect(report.policy.objective > report.baselines.static.objective)
        #expect(report.policy.qualityRatio >= 0.95)
        let last = try #require(report.windows.last)
        #expect(last.policy.qualityRatio >= 0.95 && last.static.qualityRatio < 0.95)
        #expect(report.driftEvents.contains { $0.kind == "outcome" && $0.tier == "device" })
    }

    @Test("baselines: all-cloud is the reference, all-device is cheapest, the oracle is at least as good per window")
    func baselines() async throws {
        let report = try await Self.driftingReport()
        let cloud = report.baselines.allCloud
        #expect(cloud.qualityRatio == 1 && cloud.latencyRatio == 1 && cloud.costRatio == 1 && cloud.shares.cloud == 1)
        #expect(report.baselines.allDevice.costRatio < report.policy.costRatio)
        #expect(report.baselines.allDevice.shares.device == 1)
        let shares = report.policy.shares
        #expect(abs(shares.device + shares.edge + shares.cloud - 1) < 1e-9)
        let oracleWins = report.windows.filter { $0.oracle.objective >= $0.policy.objective - 0.02 }.count
        #expect(oracleWins >= report.windows.count * 9 / 10)
    }

    @Test("figures from the first table on: its events only, against all-cloud on the same events")
    func afterFirstTable() async throws {
        let report = try await Self.driftingReport()
        let first = try #require(report.tables.first).firstEvent
        #expect(report.firstTableEvent == first)
        let after = try #require(report.policyAfterFirstTable)
        #expect(after.events == report.events - first)
        // Before the first table every policy served the cloud, so the whole run's served score is the cloud's
        // before it plus the policy's after it; the cloud's after it is what the ratio after it divides by.
        let cloudTotal = Double(report.events) * report.baselines.allCloud.quality
        let cloudAfter = Double(after.events) * after.quality / after.qualityRatio
        let policyTotal = Double(report.events) * report.policy.quality
        #expect(abs(policyTotal - (cloudTotal - cloudAfter + Double(after.events) * after.quality)) < 1e-6 * cloudTotal)
        #expect(after.shares.cloud < report.policy.shares.cloud && after.latencyRatio < report.policy.latencyRatio)
        #expect(!report.baselines.periodic.isEmpty)
        for periodic in report.baselines.periodic {
            let figures = try #require(periodic.afterFirstTable)
            #expect(figures.events == after.events)
            #expect(periodic.holdsFloorAfterFirstTable == (figures.qualityRatio >= 0.95))
        }
    }

    @Test("a replay of the same events twice gives the same report")
    func deterministic() throws {
        let scenario = try driftingScenario(events: 6_000)
        var first = try replay(scenario, smallReplaySettings(scenario))
        var second = try replay(scenario, smallReplaySettings(scenario))
        first.wallSeconds = 0
        second.wallSeconds = 0
        #expect(try first.jsonData() == second.jsonData())
    }

    @Test("events without shadow, of another dimension, or none at all are rejected")
    func badInput() throws {
        let scenario = try driftingScenario(events: 10)
        var generator = ScenarioGenerator(scenario: scenario)
        var events: [TelemetryEvent] = []
        while let event = generator.next() { events.append(event) }
        events[3].shadow = nil
        var source = ArraySource(events: events)
        #expect(throws: ReplayError.missingShadow(event: 3)) {
            try ReplayRunner(settings: smallReplaySettings(scenario)).run(&source)
        }
        events[3] = events[2]
        events[5].representation.removeLast()
        source = ArraySource(events: events)
        #expect(throws: ReplayError.wrongDimension(event: 5, expected: 8, actual: 7)) {
            try ReplayRunner(settings: smallReplaySettings(scenario)).run(&source)
        }
        events[5] = events[4]
        // An unset or corrupt clock: before, -2^63 trapped the replay (an overflow in its tick schedule) and 2^63 - 1
        // stalled its clock, so that no table was ever published.
        for time in [Int64.min, .max, 0] {
            var timed = events
            timed[6].timeUnixMs = time
            source = ArraySource(events: timed)
            #expect(throws: ReplayError.badTime(event: 6, timeUnixMs: time, previousMs: events[5].timeUnixMs)) {
                try ReplayRunner(settings: smallReplaySettings(scenario)).run(&source)
            }
        }
        source = ArraySource(events: [])
        #expect(throws: ReplayError.noEvents) { try ReplayRunner(settings: smallReplaySettings(scenario)).run(&source) }
    }

    @Test("redeliveries (an event id seen before) are skipped and counted: the report is the one without them")
    func duplicates() throws {
        let scenario = try driftingScenario(events: 6_000)
        let (events, expected) = try replayedAsGenerated(scenario)
        // A recording of an at-least-once stream: 299 events delivered again, some right away, some much later.
        var redelivered = events
        for index in stride(from: 5_990, through: 20, by: -20) {
            redelivered.insert(events[index], at: min(redelivered.count, index + 1 + (index % 3) * 500))
        }
        var source = ArraySource(events: redelivered)
        let report = try ReplayRunner(settings: smallReplaySettings(scenario)).run(&source)
        #expect(report.events == 6_000 && report.duplicatesSkipped == 299)
        #expect(try sameFigures(report, expected))
    }

    /// A scenario's events and the report of their replay as generated.
    private func replayedAsGenerated(_ scenario: Scenario) throws -> (events: [TelemetryEvent], report: ReplayReport) {
        var generator = ScenarioGenerator(scenario: scenario)
        var events: [TelemetryEvent] = []
        while let event = generator.next() { events.append(event) }
        var source = ArraySource(events: events)
        return (events, try ReplayRunner(settings: smallReplaySettings(scenario)).run(&source))
    }

    /// Whether two reports are the same but for the wall time and the events skipped.
    private func sameFigures(_ report: ReplayReport, _ expected: ReplayReport) throws -> Bool {
        func figures(_ report: ReplayReport) throws -> Data {
            var report = report
            report.wallSeconds = 0
            report.duplicatesSkipped = 0
            report.invalidSkipped = 0
            report.invalidExamples = []
            return try report.jsonData()
        }
        return try figures(report) == figures(expected)
    }

    @Test("with skipInvalid, invalid events are skipped and counted and the report is the one without them")
    func skipInvalid() throws {
        let scenario = try driftingScenario(events: 6_000)
        let (events, expected) = try replayedAsGenerated(scenario)
        // Before some events, a broken copy with the same id (no shadow, a short representation, a corrupt clock):
        // skipping it must not make the valid event a "redelivery".
        var hostile = events
        for index in stride(from: 5_900, through: 100, by: -100) {
            var broken = events[index]
            switch index % 300 {
            case 0: broken.shadow = nil
            case 100: broken.representation.removeLast()
            default: broken.timeUnixMs = .min
            }
            hostile.insert(broken, at: index)
        }
        var settings = smallReplaySettings(scenario)
        var strict = ArraySource(events: hostile)
        #expect(throws: ReplayError.wrongDimension(event: 100, expected: 8, actual: 7)) {
            try ReplayRunner(settings: settings).run(&strict)
        }
        settings.skipInvalid = true
        var source = ArraySource(events: hostile)
        let report = try ReplayRunner(settings: settings).run(&source)
        #expect(report.events == 6_000 && report.duplicatesSkipped == 0 && report.invalidSkipped == 59)
        #expect(report.invalidExamples.count == ReplayRunner.invalidExamplesKept)
        #expect(report.invalidExamples.first == "event 100: representation has 7 values, the fleet's dimension is 8")
        #expect(try sameFigures(report, expected))
    }

    @Test("events stamped all at once, re-timed at the traffic's rate, replay as they were recorded")
    func retimed() throws {
        let scenario = try driftingScenario(events: 6_000)
        let (events, expected) = try replayedAsGenerated(scenario)
        #expect(expected.tables.count >= 2)
        // A benchmark's recording: one time for every event. The loop's intervals are in event time, so it publishes
        // its first table and can never re-tune.
        let stamped = events.map { event in
            var event = event
            event.timeUnixMs = events[0].timeUnixMs
            return event
        }
        var flat = ArraySource(events: stamped)
        #expect(try ReplayRunner(settings: smallReplaySettings(scenario)).run(&flat).tables.count == 1)
        var retimed = RetimedEventSource(ArraySource(events: stamped), eventsPerSecond: scenario.eventsPerSecond)
        let report = try ReplayRunner(settings: smallReplaySettings(scenario)).run(&retimed)
        #expect(try sameFigures(report, expected))
    }
}

/// Events from an array.
struct ArraySource: ReplayEventSource {
    var events: [TelemetryEvent]
    var position = 0

    mutating func nextEvent() -> TelemetryEvent? {
        guard position < events.count else { return nil }
        position += 1
        return events[position - 1]
    }
}

@Suite("Replay with a controller configuration")
struct ReplayConfigurationTests {
    private func configuration(qMin: Double, fleets: [String] = ["small"], dimension: Int = 8) throws
        -> ControllerConfiguration
    {
        let yaml =
            "fleets:\n"
            + fleets.map { name in
                """
                  - name: \(name)
                    dimension: \(dimension)
                    fingerprint: {representation_model: m, reranker: r, prompt_template: t}
                    objective: {lambda_latency: 0.3, lambda_cost: 0.3, q_min: \(qMin), penalty: 10}
                    clusters: {k_min: 3, k_max: 7}
                    optimiser: {samples_per_cluster: 300}
                    window: {representations: 8000, shadow_samples: 4000}
                    loop: {bootstrap_events: 2000, debounce_s: 5, minimum_interval_s: 10}

                """
            }.joined()
        return try ControllerConfiguration.load(yaml: yaml, file: "replay.yaml", environment: [:])
    }

    @Test("replay --config uses the file's settings: a higher q_min gives a more cautious, dearer policy")
    func usesTheFilesSettings() async throws {
        let scenario = try driftingScenario(events: 12_000)
        var reports: [Double: ReplayReport] = [:]
        for qMin in [0.9, 0.99] {
            var settings = smallReplaySettings(scenario)
            try settings.adopt(fleets: configuration(qMin: qMin).fleets, fleet: nil, source: "replay.yaml")
            #expect(settings.pipeline.objective.qualityMin == qMin && settings.pipeline.metadata.fleet == "small")
            let chosen = settings
            // CPU-bound: on a thread of its own, not one of the cooperative pool's two.
            reports[qMin] = try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try replay(scenario, chosen) }) }.start()
            }
        }
        let loose = try #require(reports[0.9])
        let strict = try #require(reports[0.99])
        #expect(loose.objectiveWeights["q_min"] == 0.9 && strict.objectiveWeights["q_min"] == 0.99)
        #expect(strict.policy.qualityRatio > loose.policy.qualityRatio)
        #expect(strict.policy.costRatio > loose.policy.costRatio)
    }

    @Test("a missing fleet, several fleets without --fleet, or another dimension are clear errors")
    func badConfiguration() throws {
        var settings = smallReplaySettings(try driftingScenario(events: 1_000))
        #expect(throws: ReplayError.self) {
            try settings.adopt(fleets: configuration(qMin: 0.95).fleets, fleet: "nope", source: "f")
        }
        #expect(throws: ReplayError.self) {
            try settings.adopt(fleets: configuration(qMin: 0.95, fleets: ["a", "b"]).fleets, fleet: nil, source: "f")
        }
        #expect(throws: ReplayError.self) {
            try settings.adopt(fleets: configuration(qMin: 0.95, dimension: 16).fleets, fleet: nil, source: "f")
        }
    }
}
