import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Foundation

/// `ingest`: in-process decode + validate + dedupe + aggregate of d=64 protobuf telemetry, one core.
///
/// 1,000,000 synthetic events (4 fleets, 16 clusters, 10% shadow samples, 1% duplicates, 1% malformed),
/// encoded once, then processed in batches of 500 as the consumer would hand them over.
enum IngestBenchmark {
    static func run(_ context: BenchContext) throws {
        let n = context.limit ?? 1_000_000
        let d = 64
        let fleets = ["fleet-0", "fleet-1", "fleet-2", "fleet-3"]
        var generator = SeededGenerator(seed: 64)
        var messages: [IngestMessage] = []
        messages.reserveCapacity(n)
        var previous: (bytes: [UInt8], partition: Int32) = ([], 0)
        for index in 0..<n {
            let roll = generator.nextUnit()
            var bytes: [UInt8]
            // Telemetry is keyed by fleet, so fleet i lives on partition i; a duplicate lands where its original did.
            var partition = Int32(index % fleets.count)
            if roll < 0.01, !previous.bytes.isEmpty {
                bytes = previous.bytes
                partition = previous.partition
            } else if roll < 0.02 {
                bytes = [0x0A, 0x10] + [UInt8](repeating: 7, count: 8)  // event_id claims 16 bytes, has 8
            } else {
                bytes = event(
                    fleet: fleets[index % fleets.count],
                    d: d,
                    time: Int64(1_800_000_000_000 + index),
                    generator: &generator
                ).protobufBytes()
                previous = (bytes, partition)
            }
            messages.append(IngestMessage(partition: partition, offset: Int64(index), value: bytes))
        }
        let decoder = TelemetryDecoder(fleets: Dictionary(uniqueKeysWithValues: fleets.map { ($0, d) }))
        var accepted = 0
        var rejected = 0
        let timing = context.timed {
            var processor = IngestProcessor(decoder: decoder, dedupeCapacity: 1_000_000)
            accepted = 0
            rejected = 0
            var start = 0
            while start < messages.count {
                let end = min(start + 500, messages.count)
                let result = processor.process(messages[start..<end])
                accepted += result.accepted.count
                rejected += result.rejections.values.reduce(0, +)
                start = end
            }
        }
        let bytes = messages.reduce(0) { $0 + $1.value.count }
        context.emit([
            "workload": "ingest", "peer": "consroute.IngestProcessor", "n": n, "d": d,
            "params": [
                "batch": 500, "shadow_share": 0.1, "duplicate_share": 0.01, "malformed_share": 0.01, "threads": 1,
            ],
            "wall_s": rounded(timing.median), "walls_s": timing.walls.map { rounded($0) },
            "events_per_s": rounded(Double(n) / timing.median, 0),
            "mb_per_s": rounded(Double(bytes) / timing.median / 1e6, 1),
            "accepted": accepted, "rejected": rejected, "repeats": context.repeats, "warmup": context.warmup,
        ])
    }

    static func event(fleet: String, d: Int, time: Int64, generator: inout SeededGenerator) -> TelemetryEvent {
        let cluster = UInt32(generator.next() % 16)
        let shadow = generator.nextUnit() < 0.1
        return TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: fleet,
            deviceID: "device-\(generator.next() % 10_000)",
            timeUnixMs: time,
            tableVersion: 7,
            cluster: cluster,
            representation: (0..<d).map { _ in Float(generator.nextGaussian()) },
            pDevice: Float(generator.nextUnit()),
            pEdge: Float(generator.nextUnit()),
            tier: Tier(rawValue: Int(generator.next() % 3))!,
            latencyMs: 120,
            cost: 0.001,
            promptTokens: 200,
            completionTokens: 300,
            shadow: shadow
                ? ShadowOutcome(
                    score: TierValues(device: 0.7, edge: 0.85, cloud: 1),
                    latencyMs: TierValues(device: 60, edge: 250, cloud: 800),
                    cost: TierValues(device: 0, edge: 0.0005, cloud: 0.004)
                ) : nil
        )
    }
}
