// libFuzzer targets `telemetry-protobuf` and `telemetry-json` (built with -D FUZZ_JSON): the telemetry decoder
// (docs/design.md §4, §11) and the acknowledgement decoder. Built by scripts/fuzz.sh with `swiftc -sanitize=fuzzer`
// against the ConsRouteModel module compiled with coverage instrumentation. The first input byte says whether a reference time is
// given; the rest is the message. Any decoding may fail, none may trap; a decoded event must re-encode and decode
// to itself.

import ConsRouteModel
import Foundation

private let decoder = TelemetryDecoder(fleets: ["fleet-a": 8, "fleet-b": 64, "": 1])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelemetryDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let message = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    #if FUZZ_JSON
        let format = TelemetryDecoder.Format.json
    #else
        let format = TelemetryDecoder.Format.protobuf
    #endif
    let reference: Int64? = selector & 1 == 0 ? nil : 1_795_000_000_000
    if case .success(let event) = decoder.decode(message, format: format, referenceTimeMs: reference) {
        let again = decoder.decode(event.protobufBytes(), format: .protobuf, referenceTimeMs: reference)
        guard case .success(let decoded) = again, decoded == event else {
            fatalError("a decoded event does not survive its own protobuf encoding: \(event)")
        }
        _ = event.jsonString()
    }
    _ = try? TableAcknowledgement(bytes: Array(message), format: format)
    return 0
}

/// With CONSROUTE_FUZZ_SEEDS set to a directory, writes seed inputs there and exits (scripts/fuzz.sh).
@_cdecl("LLVMFuzzerInitialize")
public func initializeTelemetryDecoderFuzz(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    guard let directory = ProcessInfo.processInfo.environment["CONSROUTE_FUZZ_SEEDS"] else { return 0 }
    var seeds: [[UInt8]] = []
    var generator = FuzzRandom(seed: 1)
    for (index, shadow) in [(0, true), (1, false), (2, true)] {
        let event = TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: index == 2 ? "fleet-b" : "fleet-a",
            deviceID: "device-\(index)",
            timeUnixMs: 1_795_000_000_000 + Int64(index),
            tableVersion: 4,
            cluster: UInt32(index),
            representation: (0..<(index == 2 ? 64 : 8)).map { _ in generator.nextSigned() },
            pDevice: 0.4,
            pEdge: 0.8,
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
        #if FUZZ_JSON
            seeds.append([1] + Array(event.jsonString().utf8))
        #else
            seeds.append([1] + event.protobufBytes())
        #endif
    }
    #if !FUZZ_JSON
        let ack = TableAcknowledgement(
            fleet: "fleet-a",
            deviceID: "d-1",
            version: 3,
            applied: false,
            reason: "expired: x",
            timeUnixMs: 1
        )
        seeds.append([0] + ack.protobufBytes())
    #endif
    for (index, seed) in seeds.enumerated() {
        _ = FileManager.default.createFile(atPath: "\(directory)/seed-\(index)", contents: Data(seed))
    }
    exit(0)
}
