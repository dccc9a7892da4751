import ConsRouteController
import ConsRouteModel
import Testing

@testable import ConsRouteLoop

@Suite("Window state")
struct WindowStateTests {
    @Test("the reservoir keeps the most recent representations, oldest first, in half precision")
    func reservoir() {
        var reservoir = RepresentationReservoir(dimension: 2, capacity: 3)
        #expect(reservoir.snapshot().isEmpty)
        for value in 1...5 { reservoir.append([Float(value), Float(value) + 0.25]) }
        #expect(reservoir.count == 3 && reservoir.totalObserved == 5)
        #expect(reservoir.snapshot() == [3, 3.25, 4, 4.25, 5, 5.25])
        reservoir.append([0.1, -2])
        #expect(reservoir.snapshot().suffix(2) == [Float(Float16(0.1)), -2])
        var rows: [Float] = []
        reservoir.forEachRow { rows.append(contentsOf: $0) }
        #expect(rows == reservoir.snapshot())
        reservoir.removeAll()
        #expect(reservoir.count == 0 && reservoir.snapshot().isEmpty)
    }

    @Test("shadow samples are kept newest first, regrouped by any assignment, capped per cluster")
    func shadowWindow() {
        var factory = EventFactory(seed: 21, dimension: 2)
        var window = ShadowSampleWindow(dimension: 2, capacity: 4)
        var events: [TelemetryEvent] = []
        for index in 0..<6 {
            var event = factory.event(timeUnixMs: Int64(index), shadow: index != 2)
            event.representation = [Float(index), 0]
            events.append(event)
            window.append(event)
        }
        // Five shadow events (index 2 had none); capacity 4 keeps times 6..3 minus the non-shadow one.
        #expect(window.count == 4)
        #expect(window.all().map(\.timeUnixMs) == [5, 4, 3, 1])
        let groups = window.grouped(perCluster: 1) { representation in representation[0] >= 3 ? 1 : 0 }
        #expect(groups[1]?.map(\.timeUnixMs) == [5])
        #expect(groups[0]?.map(\.timeUnixMs) == [1])
        let novelDropped = window.grouped(perCluster: 10) { representation in representation[0] == 4 ? nil : 0 }
        #expect(novelDropped[0]?.map(\.timeUnixMs) == [5, 3, 1])
    }
}
