import ConsRouteModel
import Testing

@testable import ConsRouteTuning

@Suite("Risk-controlled selection")
struct RiskControlledSelectionTests {
    let weights = try! ObjectiveWeights(lambdaLatency: 0.3, lambdaCost: 0.3, qualityMin: 0.95)

    /// One cluster whose device is as good as the cloud and whose edge is far worse; the family: all-cloud,
    /// all-edge (fails the floor), all-device (clears it).
    func setting(bound: ConfidenceBound) -> (AllocationFamily, CalibrationSet) {
        var generator = SeededGenerator(seed: 21)
        let samples = BinaryCluster(device: 0.9, edge: 0.3, cloud: 0.9).draw(2_000, using: &generator)
        let calibration = CalibrationSet(
            samples: samples,
            stratum: Array(repeating: 0, count: samples.count),
            shares: [1],
            bound: bound
        )
        let family = AllocationFamily(
            members: [
                [ThresholdPair(device: 1, edge: 1)], [ThresholdPair(device: 1, edge: 0)],
                [ThresholdPair(device: 0, edge: 0)],
            ],
            levels: [.infinity, 1, 0],
            priorSampleCount: 0,
            reference: SIMD4(0.9, 3_920, 1, 0)
        )
        return (family, calibration)
    }

    @Test(
        "plain fixed sequence stops at the first failure; with one failure allowed it goes past it",
        arguments: ConfidenceBound.allCases
    )
    func failuresAllowed(bound: ConfidenceBound) {
        let (family, calibration) = setting(bound: bound)
        func choose(_ k: Int) -> RiskControlledSelection.Choice {
            RiskControlledSelection(alpha: 0.1, weights: weights, failuresAllowed: k)
                .select(family, on: calibration) { RiskControlledSelection.tiers(calibration, $0) }
        }
        let plain = choose(0)
        #expect(plain.member == 0 && plain.tested == 2)
        let tolerant = choose(1)
        #expect(tolerant.member == 2 && tolerant.tested == 3)
        #expect(tolerant.estimate.shares.device == 1)
        // The tolerant selection spends most of alpha before the first failure, the rest after it; the levels sum
        // to alpha, and the plain one tests at alpha.
        let split = RiskControlledSelection(alpha: 0.1, weights: weights, failuresAllowed: 2)
        let levels = (0...2).map { split.testLevel(afterFailures: $0) }
        #expect(abs(levels.reduce(0, +) - 0.1) < 1e-12 && levels[0] > levels[1] && levels[1] == levels[2])
        #expect(
            RiskControlledSelection(alpha: 0.1, weights: weights, failuresAllowed: 0).testLevel(afterFailures: 0) == 0.1
        )
        // The tolerant selection's choice passed after the first failure: at 0.2 alpha.
        #expect(abs(tolerant.level - 0.02) < 1e-12)
    }

    @Test("a stratum with one sample counts with the worst-case variance, not zero")
    func singleSampleStratum() {
        var generator = SeededGenerator(seed: 4)
        let many = BinaryCluster(device: 0.9, edge: 0.9, cloud: 0.9).draw(400, using: &generator)
        let one = BinaryCluster(device: 0.9, edge: 0.9, cloud: 0.9).draw(1, using: &generator)
        let samples = ShadowSamples.pooled([many, one])
        let stratum = Array(repeating: 0, count: 400) + [1]
        let calibration = CalibrationSet(samples: samples, stratum: stratum, shares: [0.5, 0.5], bound: .normal)
        let cloud = Array(repeating: Tier.cloud, count: samples.count)
        let estimate = calibration.estimate(tiers: cloud, weights: weights, alpha: 0.1)
        // All-cloud: s = c, so the point ratio is 1; the lone sample's half of the traffic makes the bound wide.
        #expect(estimate.qualityRatio == 1)
        #expect((estimate.qualityLowerBound ?? 1) < 0.9, "\(String(describing: estimate.qualityLowerBound))")
    }
}
