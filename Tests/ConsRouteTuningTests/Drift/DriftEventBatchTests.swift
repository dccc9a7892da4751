import ConsRouteModel
import Testing

@testable import ConsRouteTuning

@Suite("Drift event batch")
struct DriftEventBatchTests {
    private func event(_ index: Int) -> DriftEvent {
        DriftEvent(
            kind: .cost(tier: .cloud),
            detection: .init(statistic: Double(index), threshold: 1, windowLength: index),
            eventIndex: index
        )
    }

    @Test("empty, one, and full batches keep their events in order")
    func batches() {
        var batch = DriftEventBatch()
        #expect(batch.isEmpty)
        batch.append(event(0))
        #expect(Array(batch) == [event(0)])
        for index in 1..<DriftEventBatch.capacity { batch.append(event(index)) }
        #expect(batch.map(\.eventIndex) == Array(0..<DriftEventBatch.capacity))
        #expect(batch.last?.kind == .cost(tier: .cloud))
    }

    @Test("kinds name themselves and say whether the representation drifted")
    func kinds() {
        #expect(DriftEvent.Kind.occupancy.isRepresentationDrift && DriftEvent.Kind.novelty.isRepresentationDrift)
        #expect(!DriftEvent.Kind.outcome(cluster: 1, tier: .edge).isRepresentationDrift)
        #expect(DriftEvent.Kind.latency(tier: .device).name == "latency")
    }
}
