import ConsRouteModel
import Testing

/// Issue 14 (2, 12): event times far from the reference time are `bad_time`; latency, cost and cluster id have
/// configurable maxima; no arithmetic on a wire value traps.
@Suite("Telemetry limits")
struct TelemetryLimitsTests {
    let decoder = TelemetryDecoder(fleets: Fixtures.fleets)
    let reference: Int64 = 1_795_000_000_000

    private func rejection(_ event: TelemetryEvent, referenceTimeMs: Int64? = nil) -> TelemetryRejection? {
        if case .failure(let reason) = decoder.decode(event.protobufBytes(), referenceTimeMs: referenceTimeMs) {
            return reason
        }
        return nil
    }

    @Test("times of -2^63, 2^63-1 and a day and a second away are bad_time; a day away is accepted")
    func eventTimeWindow() {
        var event = Fixtures.event()
        for time in [
            Int64.min, Int64.min + 1, -9_200_000_000_000_000_000, Int64.max, reference + 86_401_000,
            reference - 86_401_000,
        ] {
            event.timeUnixMs = time
            #expect(rejection(event, referenceTimeMs: reference)?.code == "bad_time", "\(time)")
        }
        for time in [reference, reference + 86_400_000, reference - 86_400_000] {
            event.timeUnixMs = time
            #expect(rejection(event, referenceTimeMs: reference) == nil, "\(time)")
        }
        event.timeUnixMs = Int64.min
        #expect(rejection(event) == nil, "without a reference time (offline files) the time is not checked")
        #expect(rejection(event, referenceTimeMs: Int64.max)?.code == "bad_time")
    }

    @Test("the time window is configurable")
    func configurableWindow() {
        let strict = TelemetryDecoder(fleets: Fixtures.fleets, limits: TelemetryLimits(eventTimeWindowMs: 1_000))
        var event = Fixtures.event()
        event.timeUnixMs = reference + 1_001
        #expect(strict.decode(event.protobufBytes(), referenceTimeMs: reference).failureCode == "bad_time")
        event.timeUnixMs = reference + 1_000
        #expect(strict.decode(event.protobufBytes(), referenceTimeMs: reference).failureCode == nil)
    }

    @Test("cluster 4294967295, latency 3.4e38 and cost 1e9 are out_of_bounds, served and shadow")
    func bounds() {
        var event = Fixtures.event()
        event.cluster = UInt32.max
        #expect(rejection(event)?.code == "out_of_bounds")
        event = Fixtures.event()
        event.latencyMs = 3.4e38
        #expect(rejection(event)?.code == "out_of_bounds")
        event = Fixtures.event()
        event.cost = 1e9
        #expect(rejection(event)?.code == "out_of_bounds")
        event = Fixtures.event()
        event.shadow?.latencyMs.cloud = 3.4e38
        #expect(rejection(event)?.code == "out_of_bounds")
        event = Fixtures.event()
        event.shadow?.cost.edge = 1e9
        #expect(rejection(event)?.code == "out_of_bounds")
        event = Fixtures.event()
        event.cluster = 65_535
        event.latencyMs = 3_600_000
        event.cost = 1_000
        #expect(rejection(event) == nil, "the maxima themselves are accepted")
        let custom = TelemetryDecoder(
            fleets: Fixtures.fleets,
            limits: TelemetryLimits(maximumLatencyMs: 10, maximumCost: 1, clusterIDLimit: 3)
        )
        #expect(custom.decode(Fixtures.event().protobufBytes()).failureCode == "out_of_bounds")
    }

    @Test("every rejection code is registered for the counters")
    func codesRegistered() {
        #expect(TelemetryRejection.allCodes.contains("bad_time"))
        #expect(TelemetryRejection.allCodes.contains("out_of_bounds"))
    }

    @Test("the overflow check itself never traps")
    func windowArithmetic() {
        let limits = TelemetryLimits()
        #expect(!limits.isTimeAcceptable(.min, reference: .max))
        #expect(!limits.isTimeAcceptable(.max, reference: .min))
        #expect(limits.isTimeAcceptable(.max, reference: .max))
        #expect(limits.isTimeAcceptable(.min, reference: .min))
    }
}

extension Result where Success == TelemetryEvent, Failure == TelemetryRejection {
    var failureCode: String? {
        if case .failure(let rejection) = self { return rejection.code }
        return nil
    }
}
