import ConsRouteClient
import ConsRouteKafka
import ConsRouteModel
import ConsRouteTuning
import KafkaTestSupport
import Testing

@testable import ConsRouteLiveSimulation
@testable import ConsRouteSimulation

@Suite("LiveFleetSimulator against the API on 127.0.0.1 and a Kafka mock cluster")
struct LiveFleetSimulatorTests {
    @Test(
        "devices boot with the published table; every event reports it; one applied ack per device",
        arguments: TableTransport.allCases
    )
    func publishedTable(transport: TableTransport) async throws {
        let harness = try LiveHarness()
        let scenario = try liveScenario()
        try await harness.publish(version: 1, for: scenario)
        let progress = try await harness.serve { port, producer in
            try await harness.simulator(scenario, transport: transport, producer: producer, port: port).run()
        }
        #expect(progress.devicesReady == 6 && progress.devices == 6)
        #expect(progress.eventsSent == 600 && progress.eventsDelivered == 600 && progress.eventsFailed == 0)
        #expect(progress.holdings == [LiveProgress.Holding(version: 1, devices: 6)])
        #expect(progress.acksSent == 6 && progress.acksApplied == 6 && progress.acksFailed == 0)
        #expect(progress.run?.events == 600 && progress.recent?.events == 100)

        let events = try await harness.telemetry(expected: 600, scenario: scenario)
        #expect(events.count == 600)
        #expect(events.allSatisfy { $0.tableVersion == 1 && $0.fleet == scenario.fleet })
        #expect(Set(events.map(\.deviceID)).isSubset(of: Set((0..<6).map { "device-\($0)" })))
        #expect(Set(events.map(\.eventID)).count == 600)
        // The seeded shadow draw keeps shadow on exactly these events' share.
        var draw = SeededGenerator(seed: 0x5EED)
        let shadowed = (0..<600).filter { _ in draw.nextUnit() < scenario.shadowRate }.count
        #expect(events.filter { $0.shadow != nil }.count == shadowed)
        // The served tiers are what the run's figures count.
        let shares = [Tier.device, .edge, .cloud].map { tier in Double(events.filter { $0.tier == tier }.count) / 600 }
        #expect(shares == [progress.run!.shares.device, progress.run!.shares.edge, progress.run!.shares.cloud])

        let acks = try await harness.acknowledgements(expected: 6)
        #expect(acks.count == 6)
        #expect(acks.allSatisfy { $0.applied && $0.version == 1 && $0.fleet == scenario.fleet })
    }

    @Test("without a table every event goes to the cloud with table_version 0, and the ratios are all 1")
    func noTable() async throws {
        let harness = try LiveHarness()
        let scenario = try liveScenario(devices: 3, events: 200)
        let progress = try await harness.serve { port, producer in
            try await harness.simulator(scenario, transport: .sse, producer: producer, port: port).run()
        }
        #expect(progress.holdings == [LiveProgress.Holding(version: 0, devices: 3)])
        #expect(progress.acksSent == 0)
        #expect(progress.run?.qualityRatio == 1 && progress.run?.latencyRatio == 1 && progress.run?.costRatio == 1)
        let events = try await harness.telemetry(expected: 200, scenario: scenario)
        #expect(events.count == 200)
        #expect(events.allSatisfy { $0.tableVersion == 0 && $0.tier == .cloud && $0.cluster == 0 })
    }

    @Test("a table published during the run reaches every device; versions never go back per device")
    func tableDuringRun() async throws {
        let harness = try LiveHarness()
        var scenario = try liveScenario(devices: 4, events: 1_000)
        scenario.eventsPerSecond = 500
        try await harness.publish(version: 1, for: scenario)
        let progress = try await harness.serve { port, producer in
            let simulator = try harness.simulator(scenario, transport: .sse, producer: producer, port: port)
            async let run = simulator.run()
            try await waitForCondition { simulator.progress().eventsSent >= 200 }
            try await harness.publish(version: 2, for: scenario)
            return try await run
        }
        #expect(progress.holdings == [LiveProgress.Holding(version: 2, devices: 4)])
        #expect(progress.acksSent == 8 && progress.acksApplied == 8)
        let events = try await harness.telemetry(expected: 1_000, scenario: scenario)
        #expect(events.count == 1_000)
        #expect(events.contains { $0.tableVersion == 1 } && events.contains { $0.tableVersion == 2 })
        for device in Set(events.map(\.deviceID)) {
            let versions = events.filter { $0.deviceID == device }.map(\.tableVersion)
            #expect(versions == versions.sorted())
        }
        let acks = try await harness.acknowledgements(expected: 8)
        #expect(acks.map(\.version).sorted() == [1, 1, 1, 1, 2, 2, 2, 2])
    }

    @Test("a subscription the API refuses ends the run with its error")
    func refusedSubscription() async throws {
        let harness = try LiveHarness()
        let scenario = try liveScenario(devices: 2, events: 100)
        try await harness.publish(version: 1, for: scenario)
        try await harness.serve { port, producer in
            let simulator = try harness.simulator(
                scenario,
                transport: .sse,
                producer: producer,
                port: port,
                maximumResponseBytes: 64
            )
            await #expect {
                _ = try await simulator.run()
            } throws: { error in
                guard case TableClientError.responseTooLarge(let url, 64) = error else { return false }
                return url.hasSuffix("/v1/fleets/small/table?device=device-0")
                    || url.hasSuffix("/v1/fleets/small/table?device=device-1")
            }
            #expect(simulator.progress().eventsSent == 0)
        }
    }

    @Test("settings out of range are refused naming the setting")
    func invalidSettings() throws {
        var settings = LiveSimulationSettings(
            scenario: try liveScenario(),
            trustedKeys: [TableSigningKey().verifyingKey]
        )
        settings.eventsPerSecond = 0
        #expect(throws: LiveSimulationError.invalidSetting("eventsPerSecond", "must be > 0, is 0.0")) {
            try settings.validate()
        }
        settings = LiveSimulationSettings(scenario: try liveScenario(), trustedKeys: [])
        #expect(throws: LiveSimulationError.invalidSetting("trustedKeys", "need at least one public key")) {
            try settings.validate()
        }
    }

    @Test("the phase in effect: initial before the first, then the last one started")
    func phases() throws {
        let scenario = try driftingScenario()
        #expect(LiveFleetSimulator.phase(of: scenario, at: 0) == "initial")
        #expect(LiveFleetSimulator.phase(of: scenario, at: 15_000) == "new_topic@15000")
        #expect(LiveFleetSimulator.phase(of: scenario, at: 39_999) == "quality_drop@28000")
    }

    @Test("the recent window keeps the last events only")
    func recentWindow() {
        var recent = RecentOutcomeRing(capacity: 3)
        for index in 0..<5 {
            recent.append(
                RecentOutcomeRing.Outcome(
                    tier: index < 3 ? .cloud : .device,
                    score: Float(index),
                    latencyMs: 1,
                    cost: 1,
                    cloudScore: 1,
                    cloudLatencyMs: 2,
                    cloudCost: 4
                )
            )
        }
        let (served, cloud) = recent.totals()
        #expect(served.count == 3 && served.score == 2 + 3 + 4 && served.tierCounts == [2, 0, 1])
        #expect(cloud.count == 3 && cloud.latencyMs == 6 && cloud.cost == 12)
    }
}
