package import ConsRouteKafka
package import ConsRouteModel
import ConsRouteTuning
import Foundation

/// Telemetry of one fleet whose traffic drifts on cue, for the controller's end-to-end tests.
///
/// d = 8; four Gaussian query topics (σ = 0.3) with per-topic device and edge consistency scores; every event is
/// served by the cloud (no table applied: version 0) and carries `shadow` with probability `shadowRate`. Events
/// are stamped with the wall clock, as devices would. Phases:
/// - `.baseline`: topics centred at ±3 on axes 0–3;
/// - `.moved`: an abrupt representation change, every topic centred at +6 on axes 4–7;
/// - `.degraded`: as `.moved`, and topic 0's device answers fall from 0.97 to 0.35 consistency (outcome drift
///   in one cluster).
package struct DriftingFleetStream: Sendable {
    /// Where the traffic is.
    package enum Phase: Sendable {
        case baseline, moved, degraded
    }

    package static let dimension = 8
    package let fleet: String
    package let shadowRate: Double
    package var phase: Phase = .baseline
    private var generator: SeededGenerator
    private var counter = 0

    /// The fingerprint the controller's fleet must have for these events.
    package static func fingerprint() -> Fingerprint {
        Fingerprint(
            representationModel: "test/drifting",
            representationDim: dimension,
            reranker: "test",
            promptTemplate: "test"
        )
    }

    package init(fleet: String, seed: UInt64, shadowRate: Double = 0.4) {
        self.fleet = fleet
        self.shadowRate = shadowRate
        generator = SeededGenerator(seed: seed)
    }

    /// The next `count` events as records for `topic`.
    package mutating func records(count: Int, topic: String) -> [KafkaProducerRecord] {
        (0..<count).map { _ in
            KafkaProducerRecord(topic: topic, key: Array(fleet.utf8), value: next().protobufBytes())
        }
    }

    /// The next event.
    package mutating func next() -> TelemetryEvent {
        counter += 1
        let topic = Int(generator.next() % 4)
        var representation = (0..<Self.dimension).map { _ in Float(generator.nextGaussian() * 0.3) }
        switch phase {
        case .baseline: representation[topic] += topic % 2 == 0 ? 3 : -3
        case .moved, .degraded: representation[4 + topic] += 6
        }
        let deviceMeans = [phase == .degraded ? 0.35 : 0.97, 0.6, 0.93, 0.3]
        let edgeMeans = [0.99, 0.96, 0.98, 0.85]
        let device = clamp(deviceMeans[topic] + generator.nextGaussian() * 0.03)
        let edge = clamp(edgeMeans[topic] + generator.nextGaussian() * 0.02)
        let latency = TierValues(
            device: Float(30 + generator.nextUnit() * 10),
            edge: Float(100 + generator.nextUnit() * 20),
            cloud: Float(400 + generator.nextUnit() * 80)
        )
        let cost = TierValues(device: 0.0002, edge: 0.002, cloud: 0.01)
        let shadow =
            generator.nextUnit() < shadowRate
            ? ShadowOutcome(
                score: TierValues(device: Float(device), edge: Float(edge), cloud: 1),
                latencyMs: latency,
                cost: cost
            ) : nil
        return TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: fleet,
            deviceID: "device-\(generator.next() % 200)",
            timeUnixMs: Int64(Date().timeIntervalSince1970 * 1_000),
            tableVersion: 0,
            cluster: 0,
            representation: representation,
            pDevice: Float(clamp(device + generator.nextGaussian() * 0.02)),
            pEdge: Float(clamp(edge + generator.nextGaussian() * 0.02)),
            tier: .cloud,
            latencyMs: latency.cloud,
            cost: cost.cloud,
            shadow: shadow
        )
    }

    private func clamp(_ value: Double) -> Double { min(1, max(0, value)) }
}
