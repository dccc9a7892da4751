import ConsRouteController
import ConsRouteModel
import ConsRouteTuning

@testable import ConsRouteLoop

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

/// A d = 8 fleet's pipeline settings sized for unit tests: small windows, a quick bootstrap, no schedule.
func syntheticPipelineSettings() -> FleetPipelineSettings {
    var settings = FleetPipelineSettings(
        metadata: FleetTableMetadata(
            fleet: "synthetic",
            fingerprint: Fingerprint(
                representationModel: "m",
                representationDim: 8,
                reranker: "r",
                promptTemplate: "t"
            ),
            lifetimeMs: 86_400_000,
            reprefillMsPer1kTokens: [40, 15, 5],
            controllerVersion: "test"
        ),
        objective: .standard
    )
    settings.tuner.clusterCountRange = 3...7
    settings.tuner.minimumPointsToCluster = 500
    settings.tuner.minimumShadowSamples = 200
    settings.reservoirCapacity = 6_000
    settings.shadowCapacity = 6_000
    settings.bootstrapEvents = 3_000
    settings.debounceMs = 2_000
    settings.minimumIntervalMs = 0
    settings.scheduleMs = nil
    return settings
}
