import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Fleet drift monitor")
struct FleetDriftMonitorTests {
    private static let quickOccupancy = OccupancyDriftTest.Configuration(
        checkInterval: 500,
        windowLengths: [2_000, 4_000],
        minimumReferenceCount: 5_000,
        referenceCapacity: 50_000
    )

    private func makeMonitor(clusterCount: Int = 6) throws -> FleetDriftMonitor {
        try FleetDriftMonitor(
            configuration: .init(occupancy: Self.quickOccupancy),
            reference: .init(clusterCount: clusterCount)
        )
    }

    private func run(_ monitor: inout FleetDriftMonitor, _ fleet: inout SyntheticFleet, count: Int) throws
        -> [DriftEvent]
    {
        var events: [DriftEvent] = []
        for _ in 0..<count { events += try monitor.observe(fleet.next()) }
        return events
    }

    @Test("rejects invalid observations, naming the field, and stays unchanged")
    func rejectsInvalidObservations() throws {
        var monitor = try makeMonitor()
        let invalid: [(FleetDriftMonitor.Observation, String)] = [
            (.init(cluster: 6, normalizedSquaredDistance: 1), "cluster"),
            (.init(cluster: 0, normalizedSquaredDistance: .nan), "normalizedSquaredDistance"),
            (.init(cluster: 0, normalizedSquaredDistance: -1), "normalizedSquaredDistance"),
            (
                .init(cluster: 0, normalizedSquaredDistance: 1, shadowScores: .init(device: 1.5, edge: 0, cloud: 1)),
                "shadowScores.device"
            ),
            (
                .init(
                    cluster: 0,
                    normalizedSquaredDistance: 1,
                    served: .init(tier: .edge, latencyMilliseconds: -3, cost: 0)
                ),
                "served.latencyMilliseconds"
            ),
            (
                .init(
                    cluster: 0,
                    normalizedSquaredDistance: 1,
                    served: .init(tier: .edge, latencyMilliseconds: 3, cost: .infinity)
                ),
                "served.cost"
            ),
        ]
        for (observation, field) in invalid {
            do {
                _ = try monitor.observe(observation)
                Issue.record("accepted an invalid \(field)")
            } catch {
                #expect(error.description.contains(field))
            }
        }
        #expect(monitor.observedCount == 0)
    }

    @Test("a NaN shadow score means 'not scored' and is skipped")
    func nanScoreIsSkipped() throws {
        var monitor = try makeMonitor()
        let observation = FleetDriftMonitor.Observation(
            cluster: 1,
            normalizedSquaredDistance: 1,
            shadowScores: .init(device: .nan, edge: 0.5, cloud: .nan)
        )
        #expect(try monitor.observe(observation).isEmpty)
        #expect(monitor.observedCount == 1)
    }

    @Test("a stationary fleet raises no drift event in 300,000 events")
    func stationaryFleet() throws {
        var monitor = try makeMonitor()
        var fleet = SyntheticFleet(clusterCount: 6, seed: 1)
        #expect(try run(&monitor, &fleet, count: 300_000).isEmpty)
    }

    @Test("a score drop in one cluster raises outcome(cluster, device) and asks to re-optimise that cluster")
    func outcomeDrift() throws {
        var monitor = try makeMonitor()
        var fleet = SyntheticFleet(clusterCount: 6, seed: 2)
        #expect(try run(&monitor, &fleet, count: 60_000).isEmpty)
        fleet.scoreMeans[4] -= 0.15
        let events = try run(&monitor, &fleet, count: 20_000)
        let first = try #require(events.first)
        #expect(first.kind == .outcome(cluster: 4, tier: .device) || first.kind == .outcome(cluster: 4, tier: .edge))
        #expect(first.action == .reoptimize(cluster: 4))
        #expect(first.eventIndex >= 60_000 && first.eventIndex < 62_000)
        #expect(events.allSatisfy { if case .outcome(4, _) = $0.kind { true } else { false } })
    }

    @Test("an edge latency increase raises latency(edge) and asks to re-optimise every cluster")
    func latencyDrift() throws {
        var monitor = try makeMonitor()
        var fleet = SyntheticFleet(clusterCount: 6, seed: 3)
        #expect(try run(&monitor, &fleet, count: 30_000).isEmpty)
        fleet.latencyMilliseconds[1] *= 1.5
        let events = try run(&monitor, &fleet, count: 5_000)
        let first = try #require(events.first)
        #expect(first.kind == .latency(tier: .edge) && first.action == .reoptimizeAll)
        #expect(first.eventIndex < 30_500)
    }

    @Test("novel queries raise novelty; moved mass raises occupancy; both ask to re-cluster")
    func representationDrift() throws {
        var novel = try makeMonitor()
        var fleet = SyntheticFleet(clusterCount: 6, seed: 4)
        _ = try run(&novel, &fleet, count: 20_000)
        fleet.distanceMean = 1.6
        let noveltyEvents = try run(&novel, &fleet, count: 2_000)
        #expect(noveltyEvents.first?.kind == .novelty && noveltyEvents.first?.action == .recluster)

        var moved = try makeMonitor()
        fleet = SyntheticFleet(clusterCount: 6, seed: 5)
        _ = try run(&moved, &fleet, count: 20_000)
        fleet.weights[0] += 1
        let occupancyEvents = try run(&moved, &fleet, count: 6_000)
        #expect(occupancyEvents.first?.kind == .occupancy && occupancyEvents.first?.action == .recluster)
    }

    @Test("rebase adopts a new clustering; event indices keep counting")
    func rebase() throws {
        var monitor = try makeMonitor(clusterCount: 3)
        _ = try monitor.observe(.init(cluster: 2, normalizedSquaredDistance: 1))
        #expect(throws: DriftError.self) { try monitor.observe(.init(cluster: 4, normalizedSquaredDistance: 1)) }
        #expect(throws: DriftError.self) {
            try monitor.rebase(reference: .init(clusterCount: 5, occupancyCounts: [1, 2]))
        }
        #expect(monitor.reference.clusterCount == 3)
        try monitor.rebase(reference: .init(clusterCount: 5, occupancyCounts: [1, 2, 3, 4, 5]))
        _ = try monitor.observe(.init(cluster: 4, normalizedSquaredDistance: 1))
        #expect(monitor.observedCount == 2 && monitor.reference.clusterCount == 5)
        monitor.reset()
        #expect(monitor.observedCount == 2)
    }
}
