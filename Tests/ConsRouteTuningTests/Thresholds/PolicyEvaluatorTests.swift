import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Policy evaluation")
struct PolicyEvaluatorTests {
    /// Sample A: p = (0.8, 0.3), device score 1. Sample B: p = (0.2, 0.6), device score 0.
    /// Latency (1, 2, 4) and cost (0, 1, 2) per tier for both.
    static func twoSamples() throws -> ShadowSamples {
        try uniformCostSamples(pDevice: [0.8, 0.2], pEdge: [0.3, 0.6], scoreDevice: [1, 0], scoreEdge: [1, 1])
    }

    @Test("known answer: A on device, B on edge")
    func knownOutcome() throws {
        let outcome = try PolicyEvaluator.evaluate(ThresholdPair(device: 0.5, edge: 0.5), on: Self.twoSamples())
        #expect(outcome.sampleCount == 2)
        #expect(outcome.quality == 1)
        #expect(outcome.qualityRatio == 1)
        #expect(outcome.meanLatency == 1.5)
        #expect(outcome.latencyRatio == 1.5 / 4)
        #expect(outcome.meanCost == 0.5)
        #expect(outcome.costRatio == 0.25)
        #expect(outcome.tierShares == TierShares(device: 0.5, edge: 0.5, cloud: 0))
        // U = 1 - 0.3 * 0.375 - 0.3 * 0.25
        #expect(abs(outcome.utility(.standard) - 0.8125) < 1e-12)
    }

    @Test("known answer: the quality penalty applies below qualityMin")
    func penalty() throws {
        let outcome = try PolicyEvaluator.evaluate(ThresholdPair(device: 0, edge: 0), on: Self.twoSamples())
        #expect(outcome.qualityRatio == 0.5)
        // U = 0.5 - 0.3 * 1/4 - 0 - 10 * (0.95 - 0.5)
        #expect(abs(outcome.utility(.standard) - -4.075) < 1e-12)
    }

    @Test("a fleet policy routes novel samples with the novel thresholds")
    func fleetPolicy() throws {
        let samples = try Self.twoSamples()
        let policy = ThresholdPolicy(
            clusterThresholds: [ThresholdPair(device: 0, edge: 0), ThresholdPair(device: 1, edge: 1)])
        let plain = try PolicyEvaluator.evaluate(policy, on: samples, assignment: ClusterAssignment(cluster: [0, 1]))
        #expect(plain.tierShares == TierShares(device: 0.5, edge: 0, cloud: 0.5))
        let novel = try PolicyEvaluator.evaluate(
            policy,
            on: samples,
            assignment: ClusterAssignment(cluster: [0, 7], isNovel: [true, true])
        )
        #expect(novel.tierShares == TierShares(device: 0, edge: 0, cloud: 1))
        #expect(novel.latencyRatio == 1)
    }

    @Test("bad assignments, empty samples and a zero cloud reference are clear errors")
    func errors() throws {
        let samples = try Self.twoSamples()
        let policy = ThresholdPolicy(clusterThresholds: [ThresholdPair(device: 0.5, edge: 0.5)])
        #expect(throws: ThresholdTuningError.assignmentLengthMismatch(column: "cluster", expected: 2, actual: 1)) {
            try PolicyEvaluator.evaluate(policy, on: samples, assignment: ClusterAssignment(cluster: [0]))
        }
        #expect(throws: ThresholdTuningError.unknownCluster(sample: 1, cluster: 3, clusterCount: 1)) {
            try PolicyEvaluator.evaluate(policy, on: samples, assignment: ClusterAssignment(cluster: [0, 3]))
        }
        #expect(throws: ThresholdTuningError.emptySamples(context: "the evaluated cluster")) {
            try PolicyEvaluator.evaluate(ThresholdPair(device: 0.5, edge: 0.5), on: .empty)
        }
        let free = try uniformCostSamples(
            pDevice: [0.5],
            pEdge: [0.5],
            scoreDevice: [1],
            scoreEdge: [1],
            cost: (0, 0, 0)
        )
        #expect(throws: ThresholdTuningError.zeroCloudReference(metric: "cost")) {
            try PolicyEvaluator.evaluate(ThresholdPair(device: 0.5, edge: 0.5), on: free)
        }
    }

    @Test("objective weights reject negative values by name")
    func weights() {
        #expect(
            throws: ObjectiveWeightsError.invalidSetting(name: "penalty", value: -1, allowed: "a finite number >= 0")
        ) {
            try ObjectiveWeights(penalty: -1)
        }
        #expect(ObjectiveWeights.standard == (try? ObjectiveWeights()))
    }
}
