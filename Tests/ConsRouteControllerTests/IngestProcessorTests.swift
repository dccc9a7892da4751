import ConsRouteController
import ConsRouteModel
import ConsRouteStore
import ConsRouteTuning
import Foundation
import SwiftProtobuf
import Testing

@Suite("Ingest processor")
struct IngestProcessorTests {
    let decoder = TelemetryDecoder(fleets: ["fleet-a": 8])

    private func message(_ event: TelemetryEvent, offset: Int64, partition: Int32 = 0) -> IngestMessage {
        IngestMessage(partition: partition, offset: offset, value: event.protobufBytes())
    }

    /// One malformed message per rejection class of the contract.
    private func malformed(_ code: String, factory: inout EventFactory) -> [UInt8] {
        var wire = factory.event(shadow: true).wireMessage
        switch code {
        case "oversize": wire.sessionID = String(repeating: "s", count: 70_000)
        case "malformed": return factory.event().protobufBytes() + [0x3A, 0x40, 0x00]  // field 7 claims 64 bytes
        case "bad_event_id": wire.eventID = Data([9])
        case "unknown_fleet": wire.fleet = "nobody"
        case "wrong_dimension": wire.representation.removeLast()
        case "non_finite": wire.representation[0] = .infinity
        case "score_out_of_range": wire.pDevice = -0.1
        case "negative_value": wire.cost = -3
        case "tier_unset": wire.tier = .unspecified
        case "unknown_tier": wire.previousTier = .UNRECOGNIZED(9)
        default: wire.shadow.cost = [1]
        }
        return try! wire.serializedBytes()
    }

    @Test(
        "every malformed class is counted and dead-lettered with its bytes, and valid neighbours are kept",
        arguments: [
            "oversize", "malformed", "bad_event_id", "unknown_fleet", "wrong_dimension", "non_finite",
            "score_out_of_range", "negative_value", "tier_unset", "unknown_tier", "shadow_length",
        ]
    )
    func malformedClasses(code: String) {
        var factory = EventFactory(seed: 3)
        var processor = IngestProcessor(decoder: decoder)
        let before = factory.event(cluster: 4)
        let after = factory.event(cluster: 4)
        let bad = malformed(code, factory: &factory)
        let result = processor.process([
            message(before, offset: 100), IngestMessage(partition: 0, offset: 101, value: bad),
            message(after, offset: 102),
        ])
        #expect(result.rejections == [code: 1])
        #expect(result.deadLetters.count == 1)
        #expect(result.deadLetters.first?.value == bad && result.deadLetters.first?.offset == 101)
        #expect(result.deadLetters.first?.reason.code == code)
        #expect(result.accepted == [before, after])
        #expect(result.statistics.reduce(0) { $0 + $1.sums.eventCount } == 2)
        #expect(result.nextOffsets == [0: 103])
    }

    @Test("duplicates within the window count once and are not dead letters, across batches")
    func duplicates() {
        var factory = EventFactory(seed: 4)
        var processor = IngestProcessor(decoder: decoder)
        let events = (0..<10).map { _ in factory.event() }
        let first = processor.process(events.enumerated().map { message($1, offset: Int64($0)) })
        let second = processor.process(events.prefix(4).enumerated().map { message($1, offset: Int64(10 + $0)) })
        #expect(first.accepted.count == 10 && first.rejections.isEmpty)
        #expect(second.accepted.isEmpty && second.rejections == ["duplicate": 4] && second.deadLetters.isEmpty)
        #expect(second.nextOffsets == [0: 14])
    }

    @Test("statistics aggregate per fleet, cluster, tier and time bucket, shadow sums included")
    func statistics() {
        var factory = EventFactory(seed: 5)
        var processor = IngestProcessor(decoder: decoder, bucketWidthMs: 60_000)
        let t0: Int64 = 1_800_000_000_000 - 1_800_000_000_000 % 60_000
        let events = [
            factory.event(timeUnixMs: t0, cluster: 1, tier: .edge, shadow: true),
            factory.event(timeUnixMs: t0 + 59_999, cluster: 1, tier: .edge),
            factory.event(timeUnixMs: t0 + 60_000, cluster: 1, tier: .edge),
            factory.event(timeUnixMs: t0, cluster: 2, tier: .cloud, shadow: true),
        ]
        let result = processor.process(events.enumerated().map { message($1, offset: Int64($0)) })
        func sums(_ cluster: UInt32, _ tier: Tier, _ bucket: Int64) -> StatisticsSums? {
            result.statistics.first {
                $0.cluster == cluster && $0.tier == tier && $0.bucketStart == bucket && $0.fleet == "fleet-a"
            }?.sums
        }
        #expect(result.statistics.count == 3)
        #expect(sums(1, .edge, t0)?.eventCount == 2 && sums(1, .edge, t0)?.shadowCount == 1)
        #expect(sums(1, .edge, t0)?.servedScoreSum == Double(Float(0.8)) && sums(1, .edge, t0)?.latencySum == 200)
        #expect(sums(1, .edge, t0 + 60_000)?.eventCount == 1)
        #expect(sums(2, .cloud, t0)?.servedScoreSum == 1 && sums(2, .cloud, t0)?.cloudCostSum == 2)
        #expect(sums(2, .cloud, t0)?.observedQualityRatio == 1)
    }

    @Test("replay rebuilds the dedupe window without counting, and partitions are independent")
    func replay() {
        var factory = EventFactory(seed: 6)
        let events = (0..<6).map { _ in factory.event() }
        var restarted = IngestProcessor(decoder: decoder)
        let rebuilt = restarted.replay(events.enumerated().map { message($1, offset: Int64($0)) })
        #expect(rebuilt.count == 6 && restarted.replayStartOffset(partition: 0) == 0)
        let again = restarted.process(events.enumerated().map { message($1, offset: Int64(6 + $0)) })
        #expect(again.accepted.isEmpty && again.rejections == ["duplicate": 6])
        let otherPartition = restarted.process([message(events[0], offset: 0, partition: 1)])
        #expect(otherPartition.accepted.count == 1)
        restarted.dropPartition(0)
        #expect(restarted.replayStartOffset(partition: 0) == nil)
    }

    @Test("JSON messages are decoded when the content-type says so")
    func json() {
        var factory = EventFactory(seed: 8)
        var processor = IngestProcessor(decoder: decoder)
        let event = factory.event()
        let result = processor.process([
            IngestMessage(
                partition: 0,
                offset: 0,
                value: Array(event.jsonString().utf8),
                contentType: "application/json"
            )
        ])
        #expect(result.accepted == [event])
    }
}
