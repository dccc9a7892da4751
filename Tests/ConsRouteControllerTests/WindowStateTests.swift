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

    @Test(
        "runs of half-precision values convert as Swift converts each value: every one of the 65,536 Float16 bit patterns widened, floats around every rounding boundary narrowed"
    )
    func halfPrecisionRuns() {
        // Widening: every bit pattern (NaN payloads compared as bits), in a run whose length is not a multiple of 8.
        let halves = (0...UInt16.max).map { Float16(bitPattern: $0) }
        var widened = [Float](repeating: 0, count: halves.count)
        widened.withUnsafeMutableBufferPointer {
            HalfPrecision.load(halves, at: 1, into: UnsafeMutableBufferPointer(rebasing: $0[1...]))
        }
        #expect(zip(halves.dropFirst(), widened.dropFirst()).allSatisfy { Float($0).bitPattern == $1.bitPattern })
        // Narrowing: each finite half, the midpoints to its neighbours (ties round to even) and a float just either
        // side of them, the largest finite half and beyond (to infinity), subnormals, signed zeros.
        var floats: [Float] = [0, -0, 65_504, 65_519.99, 65_520, 1e9, -1e9, .infinity, -.infinity, 1e-8, -1e-8]
        for bits in UInt16(0)..<0x7C00 {
            let low = Float(Float16(bitPattern: bits))
            let high = Float(Float16(bitPattern: bits + 1))
            let middle = (low + high) / 2
            for value in [low, middle, middle.nextDown, middle.nextUp] { floats += [value, -value] }
        }
        var narrowed = [Float16](repeating: 0, count: floats.count)
        HalfPrecision.store(floats, into: &narrowed, at: 0)
        #expect(zip(floats, narrowed).allSatisfy { Float16($0).bitPattern == $1.bitPattern })
    }

    @Test(
        "the reservoir's reads across the ring's wrap are its rows in order, at a dimension that is not a multiple of 8"
    )
    func reservoirWraps() {
        var reservoir = RepresentationReservoir(dimension: 5, capacity: 7)
        let rows = (0..<18).map { row in (0..<5).map { Float(row) + Float($0) / 8 } }
        for row in rows { reservoir.append(row) }
        #expect(reservoir.snapshot() == Array(rows.suffix(7).joined()))
        #expect(reservoir.recent(3) == Array(rows.suffix(3).joined()))
        #expect(reservoir.recent(6) == Array(rows.suffix(6).joined()))
        #expect(reservoir.recent(100) == reservoir.snapshot() && reservoir.recent(0).isEmpty)
        var seen: [Float] = []
        reservoir.forEachRow { seen.append(contentsOf: $0) }
        #expect(seen == reservoir.snapshot())
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
