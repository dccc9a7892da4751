import ConsRouteModel
import Foundation

/// Fixtures shared by the model tests.
enum Fixtures {
    static let fleets = ["fleet-a": 8, "fleet-b": 64]

    static func table(seed: UInt64 = 1, version: UInt64 = 3, dimension: Int = 8, clusters: Int = 4) -> ThresholdTable {
        var generator = SeededGenerator(seed: seed)
        return ThresholdTable.example(
            fleet: "fleet-a",
            version: version,
            dimension: dimension,
            clusterCount: clusters,
            createdAtMs: 1_000,
            using: &generator
        )
    }

    /// A valid event for fleet-a (d = 8), optionally a shadow sample.
    static func event(seed: UInt64 = 7, shadow: Bool = true) -> TelemetryEvent {
        var generator = SeededGenerator(seed: seed)
        return TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: "fleet-a",
            deviceID: "device-\(seed)",
            timeUnixMs: 1_795_000_000_000 + Int64(seed),
            tableVersion: 4,
            cluster: 2,
            representation: (0..<8).map { _ in Float(generator.nextGaussian()) },
            pDevice: Float(generator.nextUnit()),
            pEdge: Float(generator.nextUnit()),
            tier: .edge,
            latencyMs: 310.5,
            cost: 0.002,
            promptTokens: 120,
            completionTokens: 300,
            sessionID: "s-1",
            turn: 2,
            contextTokens: 900,
            previousTier: .cloud,
            shadow: shadow
                ? ShadowOutcome(
                    score: TierValues(device: 0.7, edge: 0.9, cloud: 1),
                    latencyMs: TierValues(device: 80, edge: 300, cloud: 900),
                    cost: TierValues(device: 0, edge: 0.001, cloud: 0.01)
                ) : nil
        )
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}
