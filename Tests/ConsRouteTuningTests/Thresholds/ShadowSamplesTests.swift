import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Shadow samples")
struct ShadowSamplesTests {
    @Test("an empty set is valid and empty")
    func empty() throws {
        let samples = try uniformCostSamples(pDevice: [], pEdge: [], scoreDevice: [], scoreEdge: [])
        #expect(samples.isEmpty)
        #expect(samples == .empty)
    }

    @Test("a column of the wrong length is named")
    func lengthMismatch() {
        #expect(throws: ThresholdTuningError.columnLengthMismatch(column: "pEdge", expected: 2, actual: 1)) {
            try uniformCostSamples(pDevice: [0.1, 0.2], pEdge: [0.1], scoreDevice: [1, 1], scoreEdge: [1, 1])
        }
    }

    @Test("NaN, out-of-range scores and negative latencies are rejected with their index")
    func badValues() {
        #expect(throws: ThresholdTuningError.nonFiniteValue(column: "pDevice", index: 1)) {
            try uniformCostSamples(pDevice: [0.1, .nan], pEdge: [0.1, 0.1], scoreDevice: [1, 1], scoreEdge: [1, 1])
        }
        #expect(throws: ThresholdTuningError.valueOutsideUnitInterval(column: "score.edge", index: 0, value: 1.5)) {
            try uniformCostSamples(pDevice: [0.1], pEdge: [0.1], scoreDevice: [1], scoreEdge: [1.5])
        }
        #expect(throws: ThresholdTuningError.negativeValue(column: "latency.device", index: 0, value: -1)) {
            try uniformCostSamples(
                pDevice: [0.1],
                pEdge: [0.1],
                scoreDevice: [1],
                scoreEdge: [1],
                latency: (-1, 2, 4)
            )
        }
    }

    @Test("split sizes: one sample trains, many split by the fraction, the parts partition the set")
    func split() throws {
        var generator = SeededGenerator(seed: 1)
        let one = try uniformCostSamples(pDevice: [0.5], pEdge: [0.5], scoreDevice: [1], scoreEdge: [1])
        let (oneTraining, oneHoldout) = try one.split(holdoutFraction: 0.5, using: &generator)
        #expect(oneTraining.count == 1)
        #expect(oneHoldout.isEmpty)

        let many = try randomCluster(count: 100, difficulty: 0.3, using: &generator)
        let (training, holdout) = try many.split(holdoutFraction: 0.3, using: &generator)
        #expect(training.count == 70)
        #expect(holdout.count == 30)
        let joined = ShadowSamples.pooled([training, holdout])
        #expect(joined.pDevice.sorted() == many.pDevice.sorted())
        #expect(joined.cost.cloud.sorted() == many.cost.cloud.sorted())
        #expect(throws: ThresholdTuningError.self) { try many.split(holdoutFraction: 1, using: &generator) }
    }
}
