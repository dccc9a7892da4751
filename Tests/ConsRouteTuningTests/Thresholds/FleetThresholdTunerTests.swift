import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Fleet tuning and shrinkage")
struct FleetThresholdTunerTests {
    @Test("known answers: w = n / (n + n0) and the blended pair")
    func shrinkageFormula() throws {
        let shrinkage = try FleetShrinkage(priorSampleCount: 50)
        #expect(shrinkage.weight(sampleCount: 0) == 0)
        #expect(shrinkage.weight(sampleCount: 50) == 0.5)
        #expect(shrinkage.weight(sampleCount: 150) == 0.75)
        let pair = shrinkage.shrink(
            ThresholdPair(device: 0.9, edge: 0.2),
            sampleCount: 50,
            toward: ThresholdPair(device: 0.5, edge: 0.6)
        )
        #expect(abs(pair.device - 0.7) < 1e-6)
        #expect(abs(pair.edge - 0.4) < 1e-6)
        #expect(FleetShrinkage.none.weight(sampleCount: 1) == 1)
        #expect(throws: ThresholdTuningError.self) { try FleetShrinkage(priorSampleCount: -1) }
    }

    @Test("an empty cluster gets the pooled thresholds; the others report held-out outcomes")
    func emptyClusterFallsBack() throws {
        var generator = SeededGenerator(seed: 13)
        let clusters = [
            try randomCluster(count: 200, difficulty: 0.2, using: &generator), ShadowSamples.empty,
            try randomCluster(count: 100, difficulty: 0.8, using: &generator),
        ]
        let tuner = try FleetThresholdTuner(
            optimizer: ExactSweepOptimizer(),
            shrinkage: try FleetShrinkage(priorSampleCount: 10),
            holdoutFraction: 0.25
        )
        let tuning = try tuner.tune(clusters)
        let (pooled, results) = (tuning.pooled, tuning.clusters)
        #expect(tuning.policy().clusterThresholds == results.map(\.pair))
        #expect(results.count == 3)
        #expect(results[1].pair == pooled.pair)
        #expect(results[1].optimization == nil)
        #expect(results[1].holdout == nil)
        #expect(results[0].trainingCount == 150)
        #expect(results[2].trainingCount == 75)
        for index in [0, 2] {
            let result = results[index]
            #expect(
                abs(result.shrinkageWeight - Double(result.trainingCount) / Double(result.trainingCount + 10)) < 1e-12
            )
            #expect(result.holdout?.sampleCount == clusters[index].count - result.trainingCount)
            let expected = try FleetShrinkage(priorSampleCount: 10).shrink(
                result.optimization!.pair,
                sampleCount: result.trainingCount,
                toward: pooled.pair
            )
            #expect(result.pair == expected)
        }
    }

    @Test("a fleet without samples is a clear error")
    func emptyFleet() throws {
        let tuner = try FleetThresholdTuner(optimizer: BayesianOptimizer(), shrinkage: .none)
        #expect(throws: ThresholdTuningError.emptySamples(context: "the fleet")) {
            try tuner.tune([.empty, .empty])
        }
    }
}
