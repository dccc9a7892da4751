package import ConsRouteKafka
import ConsRouteModel
import ConsRouteTuning
import Foundation

/// Telemetry for the crash test: two fleets, 1% malformed messages of every class, 1% duplicates (the same
/// bytes sent again under the same key, so on the same partition), and the counts history must end with.
package struct TelemetryStream: Sendable {
    package static let fleets = ["fleet-a": 16, "fleet-b": 16]
    private var generator: SeededGenerator
    private var previous: (key: [UInt8], value: [UInt8])?
    package private(set) var expectedCounts: [String: Int64] = [:]
    package private(set) var malformedPayloads: [[UInt8]] = []
    package var malformedCount: Int { malformedPayloads.count }

    /// Event times lie in the hour before the stream was made: ingest rejects times far from the broker's timestamp.
    private let baseTimeMs = Int64(Date().timeIntervalSince1970 * 1_000) - 3_600_000

    package init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    package mutating func records(count: Int, topic: String) -> [KafkaProducerRecord] {
        (0..<count).map { _ in record(topic: topic) }
    }

    private mutating func record(topic: String) -> KafkaProducerRecord {
        let roll = generator.nextUnit()
        if roll < 0.01, let previous {
            return KafkaProducerRecord(topic: topic, key: previous.key, value: previous.value)
        }
        let fleet = generator.next() % 2 == 0 ? "fleet-a" : "fleet-b"
        var event = TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: fleet,
            deviceID: "device-\(generator.next() % 500)",
            timeUnixMs: baseTimeMs + Int64(generator.next() % 3_600_000),
            tableVersion: 1,
            cluster: UInt32(generator.next() % 6),
            representation: (0..<16).map { _ in Float(generator.nextGaussian()) },
            pDevice: Float(generator.nextUnit()),
            pEdge: Float(generator.nextUnit()),
            tier: .edge,
            latencyMs: 200,
            cost: 0.001
        )
        let key = Array(fleet.utf8)
        if roll < 0.02 {
            let value = malformed(&event, kind: Int(generator.next() % 6))
            malformedPayloads.append(value)
            return KafkaProducerRecord(topic: topic, key: key, value: value)
        }
        let value = event.protobufBytes()
        expectedCounts["\(fleet)/\(event.cluster)", default: 0] += 1
        previous = (key, value)
        return KafkaProducerRecord(topic: topic, key: key, value: value)
    }

    /// One malformed message; each kind is a different rejection class, and every payload is unique.
    private mutating func malformed(_ event: inout TelemetryEvent, kind: Int) -> [UInt8] {
        switch kind {
        case 0: return event.protobufBytes() + [0x3A, 0x40, 0x01]  // truncated: field 7 claims 64 bytes
        case 1:
            event.representation.removeLast()  // wrong dimension
        case 2:
            event.representation[3] = .nan  // non-finite
        case 3:
            event.pDevice = 1.5  // score out of range
        case 4:
            event.fleet = "fleet-unknown"  // unknown fleet
        default:
            event.latencyMs = -1  // negative latency
        }
        return event.protobufBytes()
    }
}
