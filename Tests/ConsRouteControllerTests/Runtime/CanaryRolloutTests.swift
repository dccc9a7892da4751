import ConsRouteController
import ConsRouteModel
import ConsRouteStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KafkaTestSupport
import Logging
import Prometheus
import Synchronization
import Testing

@testable import ConsRouteLoop

/// `FleetController` with canaries enabled: a tuned table goes out as a canary, the sequential test promotes a
/// better one and rolls back a worse one, an operator promotes through the API, and every step is in history.
@Suite("Canary rollout")
struct CanaryRolloutTests {
    /// A clock the test moves.
    private final class TestClock: Sendable {
        private let now: Mutex<Int64>
        init(_ start: Int64) { now = Mutex(start) }
        var ms: Int64 { now.withLock { $0 } }
        func advance(by milliseconds: Int64) { now.withLock { $0 += milliseconds } }
    }

    /// The end-to-end scenario's fleet with canaries for 10% of devices, history in memory, tables published to a
    /// cache only, and a clock the test moves.
    private struct Harness {
        let scenario: ControllerScenario
        let store: HistoryStore
        let cache = TableCache()
        let publisher: TablePublisher
        let registry = PrometheusCollectorRegistry()
        let clock: TestClock
        let controller: FleetController
        let administration: ControllerAdministration
        var stream: DriftingFleetStream

        /// - Parameter onDisk: history in the scenario's file, tables signed with its key (for a controller that
        ///   starts on them later); else in memory with a fresh key.
        init(onDisk: Bool = false) throws {
            var scenario = try ControllerScenario(bootstrapServers: nil)
            scenario.configuration.fleets[0].rollout.canaryPercent = 10
            scenario.configuration.fleets[0].rollout.minimumSamples = 300
            scenario.configuration.fleets[0].rollout.maximumDurationMs = 600_000
            self.scenario = scenario
            let key: TableSigningKey
            if onDisk {
                store = try HistoryStore(path: scenario.configuration.history.path)
                key = try KeyFile.signingKey(
                    from: Array(try Data(contentsOf: URL(fileURLWithPath: scenario.configuration.signingKeyFile)))
                )
            } else {
                store = try HistoryStore.inMemory()
                key = TableSigningKey()
            }
            publisher = TablePublisher.cacheOnly(store: store, cache: cache, key: key)
            let settings = scenario.configuration.fleets[0]
            let start = Int64(Date().timeIntervalSince1970 * 1_000)
            let clock = TestClock(start)
            self.clock = clock
            controller = FleetController(
                loop: FleetLoop(settings: settings, current: nil, lastVersion: 0),
                publisher: publisher,
                store: store,
                metrics: ControllerMetrics(registry: registry, fleets: [scenario.fleet]),
                logger: Logger(label: "canary"),
                clock: { clock.ms }
            )
            administration = ControllerAdministration(
                fleets: [controller],
                store: store,
                acknowledgements: AcknowledgementTally()
            )
            stream = DriftingFleetStream(fleet: scenario.fleet, seed: 33)
        }

        var fleet: String { scenario.fleet }

        /// `count` shadow samples from devices that applied `version` and were served by `tier`.
        mutating func shadowEvents(_ count: Int, version: UInt64, tier: Tier) -> [TelemetryEvent] {
            var events: [TelemetryEvent] = []
            while events.count < count {
                var event = stream.next()
                guard let shadow = event.shadow else { continue }
                event.tableVersion = version
                event.tier = tier
                event.latencyMs = shadow.latencyMs[tier]
                event.cost = shadow.cost[tier]
                events.append(event)
            }
            return events
        }

        /// Feeds the bootstrap window and ticks once: the first table.
        mutating func bootstrap() async throws -> SignedTable? {
            try await controller.ingest(
                (0..<controller.loop.settings.bootstrapEvents).map { _ in stream.next() },
                isReplay: false
            )
            return try await controller.tick()
        }

        /// Asks for a retune and ticks once.
        func retune() async throws -> SignedTable? {
            try await controller.requestRetune()
            return try await controller.tick()
        }

        func status(_ version: UInt64) async throws -> TableStatus? {
            try await store.table(fleet: fleet, version: version)?.status
        }

        func api() throws -> some ApplicationProtocol {
            DistributionAPI(
                cache: cache,
                history: administration,
                status: administration,
                admin: administration,
                metrics: DistributionMetrics(registry: PrometheusCollectorRegistry()),
                configuration: try DistributionAPIConfiguration(adminToken: ControllerScenario.adminToken),
                readiness: { true }
            ).buildApplication(configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        }
    }

    @Test("a better canary is promoted, a worse one rolled back, a deferred retune still runs")
    func automaticDecisions() async throws {
        var harness = try Harness()
        let fleet = harness.fleet
        let controller = harness.controller

        // The first table is always active.
        let first = try #require(try await harness.bootstrap())
        #expect(first.table.version == 1 && first.table.rollout == .active)
        #expect(controller.runningCanary == nil)

        // A retune goes out as a canary for 10% of devices, with a salt from fleet and version.
        let canary = try #require(try await harness.retune())
        #expect(canary.table.version == 2)
        #expect(canary.table.rollout == Rollout(stage: .canary, percent: 10, salt: "\(fleet)/canary/v2"))
        #expect(try await harness.status(2) == .canary)
        #expect(try await harness.status(1) == .active)
        let cached = await harness.cache.tables(fleet: fleet)
        #expect(cached.active?.version == 1 && cached.canary?.version == 2)
        let running = try #require(controller.runningCanary)
        #expect(running.version == 2 && running.controlVersion == 1 && running.percent == 10)
        let started = try await harness.store.rolloutEvents(HistoryQuery(fleet: fleet))
        #expect(started.count == 1)
        #expect(started.first?.step == .started && started.first?.initiator == .controller)
        #expect(
            started.first?.canaryVersion == 2 && started.first?.controlVersion == 1 && started.first?.figures == nil
        )
        #expect(started.first?.reason == "tuning run \(canary.table.provenance.optimiserRunID)")
        let status = try #require(try await harness.administration.additionalStatus(fleet: fleet))
        guard case .object(let canaryStatus)? = status["canary"] else {
            Issue.record("no canary in the status: \(status)")
            return
        }
        #expect(canaryStatus["version"] == .number("2") && canaryStatus["control_version"] == .number("1"))

        // While it runs, a retune waits; its trigger stays pending.
        #expect(try await harness.retune() == nil)
        #expect(controller.loop.snapshot.pending == .operatorRequest)
        #expect(try await harness.store.tuningDecisions(HistoryQuery(fleet: fleet)).count == 2)

        // Canary devices route to the edge, control devices to the cloud: the canary is better, and is promoted as v3.
        try await controller.ingest(harness.shadowEvents(1_000, version: 2, tier: .edge), isReplay: false)
        try await controller.ingest(harness.shadowEvents(1_000, version: 1, tier: .cloud), isReplay: false)
        let promoted = try #require(try await controller.tick())
        #expect(promoted.table.version == 3 && promoted.table.rollout == .active)
        #expect(promoted.table.clusters == canary.table.clusters && promoted.table.novel == canary.table.novel)
        #expect(try await harness.status(2) == .superseded)
        #expect(try await harness.status(3) == .active)
        #expect(controller.runningCanary == nil)
        let promotion = try #require(try await harness.store.rolloutEvents(HistoryQuery(fleet: fleet)).first)
        #expect(promotion.step == .promoted && promotion.initiator == .controller)
        #expect(promotion.canaryVersion == 2 && promotion.controlVersion == 1 && promotion.resultVersion == 3)
        let figures = try #require(promotion.figures)
        #expect(figures.canarySamples == 1_000 && figures.controlSamples == 1_000)
        #expect(figures.canaryMean > figures.controlMean && figures.lowerBound >= -0.05)
        #expect(promotion.reason.hasPrefix("sequential test: lower bound "), "\(promotion.reason)")

        // The deferred retune runs now: a new canary, compared with v3.
        let second = try #require(try await controller.tick())
        #expect(second.table.version == 4 && second.table.rollout.stage == .canary)
        #expect(controller.runningCanary?.controlVersion == 3)

        // This time the canary's devices are served by the cloud and the control's by the edge: rolled back as v5
        // with v3's content.
        try await controller.ingest(harness.shadowEvents(1_000, version: 4, tier: .cloud), isReplay: false)
        try await controller.ingest(harness.shadowEvents(1_000, version: 3, tier: .edge), isReplay: false)
        let rolledBack = try #require(try await controller.tick())
        #expect(rolledBack.table.version == 5 && rolledBack.table.rollout == .active)
        #expect(rolledBack.table.clusters == promoted.table.clusters)
        #expect(try await harness.status(4) == .rolledBack)
        #expect(try await harness.status(5) == .active)
        let rollback = try #require(try await harness.store.rolloutEvents(HistoryQuery(fleet: fleet)).first)
        #expect(rollback.step == .rolledBack && rollback.initiator == .controller && rollback.resultVersion == 5)
        let rollbackFigures = try #require(rollback.figures)
        #expect(rollbackFigures.upperBound < -0.05 && rollbackFigures.canaryMean < rollbackFigures.controlMean)
        let cachedAfter = await harness.cache.tables(fleet: fleet)
        #expect(cachedAfter.active?.version == 5 && cachedAfter.canary == nil)

        // Undecided at the time limit: rolled back.
        let third = try #require(try await harness.retune())
        #expect(third.table.version == 6 && third.table.rollout.stage == .canary)
        #expect(try await controller.tick() == nil)
        harness.clock.advance(by: 600_000)
        let timedOut = try #require(try await controller.tick())
        #expect(timedOut.table.version == 7 && timedOut.table.clusters == rolledBack.table.clusters)
        let expiry = try #require(try await harness.store.rolloutEvents(HistoryQuery(fleet: fleet)).first)
        #expect(expiry.step == .rolledBack && expiry.reason == "no decision within 600 s")
        #expect(expiry.figures?.canarySamples == 0)

        let metrics = harness.registry.emitToString()
        for (step, count) in [("promoted", 1), ("rolled_back", 2)] {
            let line = metrics.split(separator: "\n").first {
                $0.hasPrefix("consroute_canary_decisions_total") && $0.contains(#"step="\#(step)""#)
                    && $0.contains(#"initiator="controller""#)
            }
            #expect(line?.hasSuffix(" \(count)") == true, "\(line ?? "no line")")
        }
    }

    @Test("POST /promote: 200 with the new version holding the canary's content, then 409 without a canary")
    func operatorPromotion() async throws {
        var harness = try Harness()
        let fleet = harness.fleet
        let controller = harness.controller
        _ = try #require(try await harness.bootstrap())
        let application = try harness.api()
        let headers: HTTPFields = [.authorization: "Bearer \(ControllerScenario.adminToken)"]

        try await application.test(.router) { client in
            // Nothing to promote yet.
            let early = try await client.execute(uri: "/v1/fleets/\(fleet)/promote", method: .post, headers: headers)
            #expect(early.status == .conflict)
            #expect(String(buffer: early.body).contains("has no canary to promote"), "\(String(buffer: early.body))")
        }

        let canary = try #require(try await harness.retune())
        #expect(canary.table.rollout.stage == .canary)
        try await application.test(.router) { client in
            let response = try await client.execute(uri: "/v1/fleets/\(fleet)/promote", method: .post, headers: headers)
            #expect(response.status == .ok)
            #expect(
                try JSONValue.parse(response.body.readableBytesView)
                    == .object(["fleet": .string(fleet), "version": .number("3"), "promoted": .number("2")])
            )
            let again = try await client.execute(uri: "/v1/fleets/\(fleet)/promote", method: .post, headers: headers)
            #expect(again.status == .conflict)
        }
        let active = try #require(await harness.cache.tables(fleet: fleet).active)
        #expect(active.version == 3 && active.rollout == .active)
        #expect(active.signed.table.clusters == canary.table.clusters)
        #expect(try await harness.status(2) == .superseded)
        #expect(try await harness.status(3) == .active)
        let promotion = try #require(try await harness.store.rolloutEvents(HistoryQuery(fleet: fleet)).first)
        #expect(promotion.step == .promoted && promotion.initiator == .operator && promotion.resultVersion == 3)
        #expect(promotion.reason == "operator promotion")
        #expect(controller.runningCanary == nil)
    }

    @Test("a controller that starts on a history with a canary serves it again and resumes its test")
    func resumesAfterRestart() async throws {
        var harness = try Harness(onDisk: true)
        let fleet = harness.fleet
        _ = try #require(try await harness.bootstrap())
        let canary = try #require(try await harness.retune())
        #expect(canary.table.rollout.stage == .canary)

        let restarted = try await Controller(
            configuration: harness.scenario.configuration,
            logger: Logger(label: "restart")
        )
        let tables = await restarted.cache.tables(fleet: fleet)
        #expect(tables.active?.version == 1 && tables.canary?.version == 2)
        let fleetController = try #require(restarted.fleets.first)
        let resumed = try #require(fleetController.runningCanary)
        #expect(resumed.version == 2 && resumed.controlVersion == 1 && resumed.startedAtMs == canary.table.createdAtMs)
        #expect(resumed.comparison.canary.count == 0 && resumed.comparison.control.count == 0)
        #expect(fleetController.loop.snapshot.canaryVersion == 2 && fleetController.loop.snapshot.tableVersion == 1)
        let promoted = try await fleetController.promoteCanary()
        #expect(promoted.table.version == 3 && promoted.table.clusters == canary.table.clusters)
    }

    @Test("a paused fleet holds the test's decision until resumed; a retune meanwhile says it waits for the canary")
    func pausedFleetWaits() async throws {
        var harness = try Harness()
        let fleet = harness.fleet
        let controller = harness.controller
        _ = try #require(try await harness.bootstrap())
        _ = try #require(try await harness.retune())
        try await controller.ingest(harness.shadowEvents(1_000, version: 2, tier: .edge), isReplay: false)
        try await controller.ingest(harness.shadowEvents(1_000, version: 1, tier: .cloud), isReplay: false)

        _ = try await harness.administration.pause(fleet: fleet)
        harness.clock.advance(by: 600_000)
        #expect(try await controller.tick() == nil)
        #expect(controller.runningCanary?.version == 2)
        #expect(try await harness.status(2) == .canary)

        _ = try await harness.administration.resume(fleet: fleet)
        let answer = try await harness.administration.retune(fleet: fleet)
        #expect(
            answer
                == .object(["fleet": .string(fleet), "retune": .string("requested"), "waits_for_canary": .number("2")])
        )
        // The evidence decides before the time limit is looked at: promoted, not timed out.
        let promoted = try #require(try await controller.tick())
        #expect(promoted.table.version == 3 && promoted.table.rollout == .active)
        let promotion = try #require(try await harness.store.rolloutEvents(HistoryQuery(fleet: fleet)).first)
        #expect(promotion.step == .promoted && promotion.initiator == .controller)
        // The retune asked for during the canary runs next.
        let next = try #require(try await controller.tick())
        #expect(next.table.version == 4 && next.table.rollout.stage == .canary)
    }

    @Test("an operator rollback during a canary ends it as rolled back, recorded as the operator's")
    func operatorRollbackEndsCanary() async throws {
        var harness = try Harness()
        let fleet = harness.fleet
        let controller = harness.controller
        let first = try #require(try await harness.bootstrap())
        _ = try #require(try await harness.retune())
        let answer = try await harness.administration.rollback(fleet: fleet, toVersion: 1)
        #expect(answer == .object(["fleet": .string(fleet), "version": .number("3"), "content_of": .number("1")]))
        #expect(controller.runningCanary == nil && controller.loop.snapshot.canaryVersion == nil)
        #expect(try await harness.status(2) == .rolledBack)
        #expect(try await harness.status(3) == .active)
        let active = try #require(await harness.cache.tables(fleet: fleet).active)
        #expect(active.version == 3 && active.signed.table.clusters == first.table.clusters)
        #expect(await harness.cache.tables(fleet: fleet).canary == nil)
        let rollback = try #require(try await harness.store.rolloutEvents(HistoryQuery(fleet: fleet)).first)
        #expect(rollback.step == .rolledBack && rollback.initiator == .operator && rollback.resultVersion == 3)
        #expect(rollback.reason == "operator rollback to v1")
    }
}
