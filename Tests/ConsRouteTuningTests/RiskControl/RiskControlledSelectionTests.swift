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

    @Test("within-stratum weights: all 1 changes nothing; older samples weighted down let the newer ones decide")
    func withinWeights() throws {
        // 1,900 older samples where the device agrees with the cloud (both right), 60 newer ones where it is wrong.
        let old = 1_900
        let new = 60
        let n = old + new
        func column(_ first: Float, _ second: Float) -> [Float] {
            Array(repeating: first, count: old) + Array(repeating: second, count: new)
        }
        let samples = try ShadowSamples(
            pDevice: column(0.9, 0.9),
            pEdge: column(0.9, 0.9),
            score: TierColumns(device: column(1, 0), edge: column(1, 0), cloud: column(1, 1)),
            latency: TierColumns(device: column(1, 1), edge: column(2, 2), cloud: column(4, 4)),
            cost: TierColumns(device: column(0, 0), edge: column(0, 0), cloud: column(1, 1))
        )
        // The older samples at 0.1 of a newer one's weight, normalised to mean 1.
        let raw = (0..<n).map { $0 < old ? 0.1 : 1.0 }
        let older = raw.map { $0 * Double(n) / raw.reduce(0, +) }
        func calibration(_ bound: ConfidenceBound, _ within: [Double]?) -> CalibrationSet {
            CalibrationSet(
                samples: samples,
                stratum: Array(repeating: 0, count: n),
                shares: [1],
                bound: bound,
                within: within
            )
        }
        let device = [Tier](repeating: .device, count: n)
        for bound in ConfidenceBound.allCases {
            let plain = calibration(bound, nil)
            let ones = calibration(bound, Array(repeating: 1, count: n))
            // Mean of s − 0.95 c: (1,900 · 0.05 − 60 · 0.95) / 1,960 = 0.019 > 0 with a small standard error.
            #expect(plain.clearsFloor(tiers: device, qualityMin: 0.95, alpha: 0.1), "\(bound)")
            #expect(ones.clearsFloor(tiers: device, qualityMin: 0.95, alpha: 0.1), "\(bound)")
            let a = plain.estimate(tiers: device, weights: weights, alpha: 0.1)
            let b = ones.estimate(tiers: device, weights: weights, alpha: 0.1)
            #expect(a.qualityRatio == b.qualityRatio && abs(a.qualityLowerBound! - b.qualityLowerBound!) < 1e-12)
            // Weighted, the newer 60 carry about a quarter of the weight: (190 · 0.05 − 60 · 0.95) / 250 = −0.19.
            let recent = calibration(bound, older)
            #expect(!recent.clearsFloor(tiers: device, qualityMin: 0.95, alpha: 0.1), "\(bound)")
            let weighted = recent.estimate(tiers: device, weights: weights, alpha: 0.1)
            #expect(abs(weighted.qualityRatio - 190.0 / 250.0) < 1e-9)
        }
        // All-cloud routing still clears the floor with the weights.
        let cloud = [Tier](repeating: .cloud, count: n)
        let recent = calibration(.normal, older)
        #expect(recent.clearsFloor(tiers: cloud, qualityMin: 0.95, alpha: 0.1))
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

    @Test("the pseudo-sample charges a stratum for the samples routed off the cloud, not for those left on it")
    func pseudoSampleFollowsRoutedShare() {
        // Twelve small clusters (ten held-out samples each, as after a first thousand-odd events at 10 % shadow),
        // their device exactly as often right as the cloud on every sample.
        var generator = SeededGenerator(seed: 12)
        var clusters: [ShadowSamples] = []
        for _ in 0..<12 {
            let drawn = BinaryCluster(device: 0.75, edge: 0.75, cloud: 0.75).draw(10, using: &generator)
            var score = drawn.score
            score.device = score.cloud
            clusters.append(
                try! ShadowSamples(
                    pDevice: drawn.pDevice,
                    pEdge: drawn.pEdge,
                    score: score,
                    latency: drawn.latency,
                    cost: drawn.cost
                )
            )
        }
        let samples = ShadowSamples.pooled(clusters)
        let stratum = (0..<12).flatMap { Array(repeating: $0, count: 10) }
        let calibration = CalibrationSet(
            samples: samples,
            stratum: stratum,
            shares: Array(repeating: 1.0 / 12, count: 12),
            bound: .normal
        )
        // All-cloud routing never loses quality (s - q_min c = (1 - q_min) c >= 0 on every sample): it clears the
        // floor on ten samples per cluster.
        let cloud = [Tier](repeating: .cloud, count: samples.count)
        #expect(calibration.clearsFloor(tiers: cloud, qualityMin: 0.95, alpha: 0.08))
        let allCloud = calibration.estimate(tiers: cloud, weights: weights, alpha: 0.08)
        // The device agrees with the cloud on every sample of the first cluster, so sending that cluster to the
        // device has the same point estimate; ten agreeing samples are not certainty: its bound is lower.
        let firstOnDevice = (0..<samples.count).map { stratum[$0] == 0 ? Tier.device : .cloud }
        let moved = calibration.estimate(tiers: firstOnDevice, weights: weights, alpha: 0.08)
        #expect(moved.qualityRatio == allCloud.qualityRatio)
        let before = try! #require(allCloud.qualityLowerBound)
        let after = try! #require(moved.qualityLowerBound)
        #expect(after < before - 0.005, "\(after) vs \(before)")
    }

    /// One cluster of `n` samples, the cloud right on every one, the device right on `deviceRight` of them.
    func alwaysRightCloud(_ n: Int, deviceRight: Int) -> CalibrationSet {
        var generator = SeededGenerator(seed: 5)
        let drawn = BinaryCluster(device: 0.5, edge: 0.5, cloud: 1).draw(n, using: &generator)
        var score = drawn.score
        score.cloud = Array(repeating: 1, count: n)
        score.device = (0..<n).map { $0 < deviceRight ? 1 : 0 }
        let samples = try! ShadowSamples(
            pDevice: drawn.pDevice,
            pEdge: drawn.pEdge,
            score: score,
            latency: drawn.latency,
            cost: drawn.cost
        )
        return CalibrationSet(samples: samples, stratum: Array(repeating: 0, count: n), shares: [1], bound: .normal)
    }

    /// Whether the selection picks all-device over all-cloud (the family of those two) on `calibration`.
    func allDeviceChosen(on calibration: CalibrationSet, windowEvents: Int?) -> Bool {
        let family = AllocationFamily(
            members: [[ThresholdPair(device: 1, edge: 1)], [ThresholdPair(device: 0, edge: 0)]],
            levels: [.infinity, 0],
            priorSampleCount: 0,
            reference: SIMD4(1, 3_920, 1, 0)
        )
        var selection = RiskControlledSelection(alpha: 0.1, weights: weights)
        selection.windowEvents = windowEvents
        return selection.select(family, on: calibration) { RiskControlledSelection.tiers(calibration, $0) }.member == 1
    }

    @Test("the window margin: z_(1-alpha) times the s.d. of s - q_min c over sqrt(events)")
    func windowMargin() {
        // At a ratio of 0.97 with an always-right cloud, s - 0.95 c is 0.05 or -0.95 with mean 0.02 and standard
        // deviation sqrt(0.97 * 0.03) = 0.1706: over 2,000 events 1.2816 * 0.1706 / sqrt(2000) = 0.00489.
        let calibration = alwaysRightCloud(1_000, deviceRight: 970)
        let device = [Tier](repeating: .device, count: 1_000)
        let margin = calibration.windowMargin(tiers: device, qualityMin: 0.95, events: 2_000, alpha: 0.1)
        #expect(abs(margin - 0.00489) < 0.00002)
        // A window 100 times shorter is 10 times noisier.
        let short = calibration.windowMargin(tiers: device, qualityMin: 0.95, events: 20, alpha: 0.1)
        #expect(abs(short - 10 * margin) < 1e-12)
        // Routing everything to an always-right cloud leaves no noise: every window's ratio is 1.
        let cloud = [Tier](repeating: .cloud, count: 1_000)
        #expect(calibration.windowMargin(tiers: cloud, qualityMin: 0.95, events: 1, alpha: 0.1) < 1e-12)
        // The bound (0.02 less about 0.007 at alpha 0.1 on 1,000 samples) clears the 2,000-event margin, not the
        // 20-event one.
        #expect(calibration.clearsFloor(tiers: device, qualityMin: 0.95, alpha: 0.1, margin: margin))
        #expect(!calibration.clearsFloor(tiers: device, qualityMin: 0.95, alpha: 0.1, margin: short))
    }

    @Test("with windowEvents the bound, not the point estimate, must clear the window's margin")
    func windowMarginOnTheBound() {
        // 1,000 samples at a ratio of 0.96: taken as the truth they keep 2,000-event windows up in 90 % (mean 0.01,
        // margin 1.2816 * 0.196 / sqrt(2000) = 0.0056), but the mean's lower bound (about 0.002) is below the
        // margin, so the member fails with the window check and passes without it.
        let calibration = alwaysRightCloud(1_000, deviceRight: 960)
        let device = [Tier](repeating: .device, count: 1_000)
        let margin = calibration.windowMargin(tiers: device, qualityMin: 0.95, events: 2_000, alpha: 0.1)
        #expect(margin > 0.0055 && margin < 0.0057 && 0.01 - margin > 0)
        #expect(calibration.clearsFloor(tiers: device, qualityMin: 0.95, alpha: 0.1))
        #expect(!calibration.clearsFloor(tiers: device, qualityMin: 0.95, alpha: 0.1, margin: margin))
        #expect(allDeviceChosen(on: calibration, windowEvents: nil))
        #expect(!allDeviceChosen(on: calibration, windowEvents: 2_000))
    }

    @Test("with windowEvents a member that clears the bound but not the window check fails")
    func windowEventsInSelection() {
        // 100,000 samples at a ratio of 0.955: the bound clears 0.95, a 2,000-event window does not hold it in 90 %.
        let calibration = alwaysRightCloud(100_000, deviceRight: 95_500)
        #expect(allDeviceChosen(on: calibration, windowEvents: nil))
        #expect(!allDeviceChosen(on: calibration, windowEvents: 2_000))
    }
}
