import ConsRouteModel
import ConsRouteTuning

/// Synthetic telemetry for ingestion tests.
struct EventFactory {
    var generator: SeededGenerator
    let fleet: String
    let dimension: Int

    init(seed: UInt64 = 1, fleet: String = "fleet-a", dimension: Int = 8) {
        generator = SeededGenerator(seed: seed)
        self.fleet = fleet
        self.dimension = dimension
    }

    mutating func event(
        timeUnixMs: Int64 = 1_800_000_000_000,
        cluster: UInt32 = 1,
        tier: Tier = .edge,
        shadow: Bool = false
    ) -> TelemetryEvent {
        TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: fleet,
            deviceID: "d-\(generator.next() % 100)",
            timeUnixMs: timeUnixMs,
            tableVersion: 1,
            cluster: cluster,
            representation: (0..<dimension).map { _ in Float(generator.nextGaussian()) },
            pDevice: Float(generator.nextUnit()),
            pEdge: Float(generator.nextUnit()),
            tier: tier,
            latencyMs: 100,
            cost: 0.5,
            shadow: shadow
                ? ShadowOutcome(
                    score: TierValues(device: 0.5, edge: 0.8, cloud: 1),
                    latencyMs: TierValues(device: 10, edge: 100, cloud: 400),
                    cost: TierValues(device: 0, edge: 0.5, cloud: 2)
                ) : nil
        )
    }
}
