import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Dedupe window")
struct DedupeWindowTests {
    @Test("edge cases: capacity one, repeats, eviction of the oldest")
    func small() {
        var window = DedupeWindow(capacity: 1)
        let a = EventID(high: 1, low: 1)
        let b = EventID(high: 2, low: 2)
        let results = [window.insert(a, tag: 10), window.insert(a, tag: 11), window.insert(b, tag: 12)]
        #expect(results == [true, false, true])
        #expect(!window.contains(a) && window.contains(b) && window.count == 1 && window.oldestTag == 12)
        let readmitted = window.insert(a, tag: 13)
        #expect(readmitted)
    }

    @Test("matches a reference set-with-FIFO on a seeded stream with many repeats, colliding hashes and growth")
    func reference() {
        var generator = SeededGenerator(seed: 11)
        for capacity in [2, 7, 64, 1_000, 5_000] {  // 5,000 also grows the table twice
            var window = DedupeWindow(capacity: capacity)
            var referenceSet = Set<EventID>()
            var fifo: [EventID] = []
            for step in 0..<20_000 {
                // Small id space: plenty of repeats; structured ids: clustered hashes.
                let id = EventID(high: generator.next() % 3, low: generator.next() % UInt64(capacity * 3))
                let expected = !referenceSet.contains(id)
                if expected {
                    if fifo.count == capacity { referenceSet.remove(fifo.removeFirst()) }
                    fifo.append(id)
                    referenceSet.insert(id)
                }
                let inserted = window.insert(id, tag: Int64(step))
                #expect(inserted == expected)
                #expect(window.count == referenceSet.count)
            }
            for id in referenceSet { #expect(window.contains(id)) }
        }
    }
}
