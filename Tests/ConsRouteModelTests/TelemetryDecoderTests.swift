import ConsRouteModel
import Foundation
import SwiftProtobuf
import Testing

@Suite("Telemetry decoding and validation")
struct TelemetryDecoderTests {
    let decoder = TelemetryDecoder(fleets: Fixtures.fleets)

    private func rejection(_ bytes: [UInt8], format: TelemetryDecoder.Format = .protobuf) -> TelemetryRejection? {
        if case .failure(let reason) = decoder.decode(bytes, format: format) { return reason }
        return nil
    }

    private func mutated(_ change: (inout Consroute_V1_QueryEvent) -> Void) -> [UInt8] {
        var message = Fixtures.event().wireMessage
        change(&message)
        return try! message.serializedBytes()
    }

    @Test("a valid event decodes to what was encoded, with and without shadow")
    func roundTrip() throws {
        for shadow in [true, false] {
            let event = Fixtures.event(shadow: shadow)
            #expect(try decoder.decode(event.protobufBytes()).get() == event)
        }
    }

    @Test("differential: the hand-written parser agrees with SwiftProtobuf on random events")
    func differential() throws {
        var generator = SeededGenerator(seed: 99)
        for seed in 0..<200 {
            var message = Fixtures.event(seed: UInt64(seed)).wireMessage
            message.turn = UInt32.random(in: 0...UInt32.max, using: &generator)
            message.tableVersion = generator.next()
            message.timeUnixMs = Int64(bitPattern: generator.next())
            message.deviceID = String(repeating: "é", count: Int.random(in: 0..<40, using: &generator))
            let bytes: [UInt8] = try message.serializedBytes()
            let reference = try Consroute_V1_QueryEvent(serializedBytes: bytes)
            let ours = try decoder.decode(bytes).get()
            #expect(ours.wireMessage == reference)
        }
    }

    @Test("the proto3 JSON mapping is accepted when content-type is application/json")
    func json() throws {
        let event = Fixtures.event()
        let text = event.jsonString()
        #expect(text.contains("\"eventId\"") && text.contains("\"TIER_EDGE\"") && text.contains("\"timeUnixMs\":\""))
        #expect(TelemetryDecoder.Format(contentType: "application/json; charset=utf-8") == .json)
        #expect(TelemetryDecoder.Format(contentType: "application/x-protobuf") == .protobuf)
        #expect(TelemetryDecoder.Format(contentType: nil) == .protobuf)
        #expect(try decoder.decode(Array(text.utf8), format: .json).get() == event)
        #expect(rejection(Array("{\"fleeet\":\"a\"}".utf8), format: .json)?.code == "malformed")
    }

    @Test("packed and unpacked representations are both accepted; unknown fields are skipped")
    func wireVariants() throws {
        let event = Fixtures.event(shadow: false)
        var bytes: [UInt8] = []
        var message = event.wireMessage
        message.representation = []
        bytes = try message.serializedBytes()
        for value in event.representation {
            bytes += [0x3D] + withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)  // field 7, wire type 5
        }
        bytes += [0xA8, 0x06, 0x2A]  // field 101 varint 42: unknown
        bytes += [0xB2, 0x06, 0x02, 0x01, 0x02]  // field 102 length-delimited: unknown
        #expect(try decoder.decode(bytes).get() == event)
    }

    @Test(
        "every rejection class of the contract has its reason",
        arguments: [
            "oversize", "malformed", "bad_event_id", "unknown_fleet", "wrong_dimension", "non_finite",
            "score_out_of_range", "negative_value", "tier_unset", "unknown_tier", "shadow_length",
        ]
    )
    func rejectionClasses(code: String) {
        let bytes: [UInt8]
        switch code {
        case "oversize": bytes = mutated { $0.deviceID = String(repeating: "x", count: 70_000) }
        case "malformed": bytes = Array(Fixtures.event().protobufBytes().dropLast(3))
        case "bad_event_id": bytes = mutated { $0.eventID = Data([1, 2, 3]) }
        case "unknown_fleet": bytes = mutated { $0.fleet = "fleet-z" }
        case "wrong_dimension": bytes = mutated { $0.representation.append(1) }
        case "non_finite": bytes = mutated { $0.representation[3] = .nan }
        case "score_out_of_range": bytes = mutated { $0.pEdge = 1.5 }
        case "negative_value": bytes = mutated { $0.latencyMs = -1 }
        case "tier_unset": bytes = mutated { $0.tier = .unspecified }
        case "unknown_tier": bytes = mutated { $0.tier = .UNRECOGNIZED(7) }
        default: bytes = mutated { $0.shadow.score.removeLast() }
        }
        let reason = rejection(bytes)
        #expect(reason?.code == code, "got \(String(describing: reason))")
        #expect(reason.map { !"\($0)".isEmpty } == true)
    }

    @Test(
        "non-finite and out-of-range values are caught in every float field",
        arguments: [
            "p_device", "p_edge", "latency_ms", "cost", "shadow.score", "shadow.latency_ms", "shadow.cost",
        ]
    )
    func floatFields(field: String) {
        func set(_ value: Float) -> [UInt8] {
            mutated { message in
                switch field {
                case "p_device": message.pDevice = value
                case "p_edge": message.pEdge = value
                case "latency_ms": message.latencyMs = value
                case "cost": message.cost = value
                case "shadow.score": message.shadow.score[1] = value
                case "shadow.latency_ms": message.shadow.latencyMs[1] = value
                default: message.shadow.cost[1] = value
                }
            }
        }
        #expect(rejection(set(.infinity))?.code == "non_finite")
        #expect(rejection(set(.nan))?.code == "non_finite")
        #expect(["score_out_of_range", "negative_value"].contains(rejection(set(-0.5))?.code ?? ""))
        #expect(rejection(set(0.5)) == nil)
    }

    @Test("every truncation: malformed exactly where SwiftProtobuf fails, otherwise the same message")
    func truncated() {
        let bytes = Fixtures.event().protobufBytes()
        var malformed = 0
        for length in 0..<bytes.count {
            let prefix = Array(bytes.prefix(length))
            let reference = try? Consroute_V1_QueryEvent(serializedBytes: prefix)
            switch decoder.decode(prefix) {
            case .success(let event):
                #expect(event.wireMessage == reference, "prefix of \(length) bytes")
            case .failure(let reason):
                if reference == nil {
                    #expect(reason.code == "malformed", "prefix of \(length) bytes: \(reason)")
                    malformed += 1
                }
            }
        }
        #expect(malformed > bytes.count / 2)
    }

    @Test("seeded random bytes and random corruptions never crash the decoder")
    func fuzz() {
        var generator = SeededGenerator(seed: 5)
        let valid = Fixtures.event().protobufBytes()
        for round in 0..<5_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255,
                        using: &generator
                    )
                }
            }
            if case .success(let event) = decoder.decode(bytes) {
                #expect(throws: Never.self) { try decoder.validate(event) }
            }
        }
    }

    @Test("a fleet name that is not UTF-8 is malformed")
    func invalidUTF8() {
        var bytes = mutated { $0.fleet = "" }
        bytes += [0x12, 0x02, 0xC3, 0x28]  // field 2, 2 bytes, invalid UTF-8
        #expect(rejection(bytes)?.code == "malformed")
    }

    @Test("acknowledgements round-trip and reject empty fleets")
    func acknowledgements() throws {
        let ack = TableAcknowledgement(
            fleet: "fleet-a",
            deviceID: "d1",
            version: 9,
            applied: false,
            reason: "expired",
            timeUnixMs: 5
        )
        #expect(try TableAcknowledgement(bytes: ack.protobufBytes()) == ack)
        var empty = ack
        empty.fleet = ""
        #expect(throws: TelemetryRejection.self) { _ = try TableAcknowledgement(bytes: empty.protobufBytes()) }
    }
}
