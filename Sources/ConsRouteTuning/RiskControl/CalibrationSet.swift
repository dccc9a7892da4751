public import ConsRouteModel

/// The held-out shadow samples on which candidate routing policies are checked, with the fleet's current traffic
/// mix: each sample belongs to a stratum (a cluster, or the novel queries) whose share of the fleet's traffic may
/// differ from its share of the samples, so every sample carries the importance weight
/// `share(stratum) / (samples in stratum / samples)` and the weighted means estimate the fleet as it is now.
///
/// Quality is checked in difference form: the fleet's quality ratio `Q / Q_cloud` is at least `q` exactly when the
/// mean of `d_i = w_i (s_i - q c_i)` is at least 0 (`s_i` the routed tier's score, `c_i` the cloud's). That form is
/// defined for any scores, 0/1 correctness with a cloud that is sometimes wrong included, and a cluster whose cloud
/// answered every sample wrong needs no special case.
public struct CalibrationSet: Sendable {
    /// The samples, in the fixed order the bound reads them.
    public let samples: ShadowSamples
    /// The stratum of each sample.
    public let stratum: [Int]
    /// The importance weight of each sample.
    public let weight: [Double]
    /// The traffic share of strata that have no sample here: their quality is unknown, so the bound assumes the
    /// worst for them.
    public let unobservedShare: Double
    /// Each stratum's share of the current traffic (normalised).
    public let shares: [Double]
    /// Each stratum's number of samples.
    public let counts: [Int]
    /// How the lower confidence bound is computed.
    public let bound: ConfidenceBound
    /// Each sample's weight within its stratum (mean 1 per stratum; all 1 unless older samples count less).
    public let within: [Double]

    /// Creates a calibration set.
    /// - Parameters:
    ///   - samples: the held-out samples.
    ///   - stratum: each sample's stratum, in `0..<shares.count`.
    ///   - shares: each stratum's share of the fleet's current traffic (normalised here; all 0 means "as sampled").
    ///   - bound: how the lower confidence bound is computed.
    public init(
        samples: ShadowSamples,
        stratum: [Int],
        shares: [Double],
        bound: ConfidenceBound = .empiricalBernstein,
        within: [Double]? = nil
    ) {
        precondition(stratum.count == samples.count, "one stratum per sample")
        let within = within ?? [Double](repeating: 1, count: samples.count)
        precondition(within.count == samples.count, "one within-stratum weight per sample")
        var counts = [Int](repeating: 0, count: shares.count)
        for s in stratum { counts[s] += 1 }
        let n = Double(samples.count)
        let totalShare = shares.reduce(0, +)
        let normalised =
            totalShare > 0
            ? shares.map { $0 / totalShare } : counts.map { n > 0 ? Double($0) / n : 0 }
        self.samples = samples
        self.stratum = stratum
        self.weight = zip(stratum, within).map { s, u in u * normalised[s] / (Double(counts[s]) / n) }
        self.within = within
        self.unobservedShare = zip(normalised, counts).reduce(0) { $0 + ($1.1 == 0 ? $1.0 : 0) }
        self.shares = normalised
        self.counts = counts
        self.bound = bound
    }

    /// The number of samples.
    public var count: Int { samples.count }

    /// The figures of a policy that routes sample `i` to `tiers[i]`.
    /// - Parameters:
    ///   - tiers: the tier each sample is routed to.
    ///   - weights: the objective (its `qualityMin` is the floor the bound is checked against).
    ///   - alpha: the bound's error probability.
    ///   - withRatioBound: also compute the ratio's lower bound (a bisection; only the pass/fail check otherwise).
    /// - Complexity: O(n), or O(40 n) with the ratio bound.
    public func estimate(
        tiers: [Tier],
        weights: ObjectiveWeights,
        alpha: Double,
        withRatioBound: Bool = true
    ) -> PolicyEstimate {
        precondition(tiers.count == count, "one tier per sample")
        var routed = SIMD4<Double>()
        var cloud = SIMD4<Double>()
        var shares = SIMD4<Double>()
        var routedScore = [Double](repeating: 0, count: count)
        var cloudScore = [Double](repeating: 0, count: count)
        let away = tiers.map { $0 != .cloud }
        for i in 0..<count {
            let tier = tiers[i]
            let w = weight[i]
            let s = Double(samples.score.value(tier, at: i))
            let c = Double(samples.score.cloud[i])
            routed +=
                w * SIMD4(s, Double(samples.latency.value(tier, at: i)), Double(samples.cost.value(tier, at: i)), 0)
            cloud += w * SIMD4(c, Double(samples.latency.cloud[i]), Double(samples.cost.cloud[i]), 0)
            shares[tier.rawValue] += w
            routedScore[i] = s
            cloudScore[i] = c
        }
        let total = max(shares.x + shares.y + shares.z, .leastNonzeroMagnitude)
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 1 }
        let qualityRatio = ratio(routed.x, cloud.x)
        let latencyRatio = ratio(routed.y, cloud.y)
        let costRatio = ratio(routed.z, cloud.z)
        let floorBound = differenceLowerBound(
            routedScore,
            cloudScore,
            away: away,
            floor: weights.qualityMin,
            alpha: alpha
        )
        return PolicyEstimate(
            sampleCount: count,
            qualityRatio: qualityRatio,
            qualityLowerBound: withRatioBound
                ? ratioLowerBound(routedScore, cloudScore, away: away, alpha: alpha) : nil,
            clearsFloor: count > 0 && floorBound >= 0,
            latencyRatio: latencyRatio,
            costRatio: costRatio,
            meanLatencyMs: routed.y / total,
            meanCost: routed.z / total,
            utility: weights.unpenalizedUtility(
                qualityRatio: qualityRatio,
                latencyRatio: latencyRatio,
                costRatio: costRatio
            ),
            shares: TierShares(device: shares.x / total, edge: shares.y / total, cloud: shares.z / total)
        )
    }

    /// Whether a policy that routes sample `i` to `tiers[i]` clears the floor: the lower confidence bound of the
    /// fleet's mean of `s - qualityMin c` is `>= margin` (``estimate(tiers:weights:alpha:withRatioBound:)``'s
    /// `clearsFloor`, which has margin 0, without its other figures: what the selection asks of every candidate it
    /// tests). A positive margin is the window check's (``windowMargin(tiers:qualityMin:events:alpha:)``).
    /// - Complexity: O(n).
    public func clearsFloor(tiers: [Tier], qualityMin: Double, alpha: Double, margin: Double = 0) -> Bool {
        precondition(tiers.count == count, "one tier per sample")
        guard count > 0 else { return false }
        var routed = [Double](repeating: 0, count: count)
        var cloud = [Double](repeating: 0, count: count)
        for i in 0..<count {
            routed[i] = Double(samples.score.value(tiers[i], at: i))
            cloud[i] = Double(samples.score.cloud[i])
        }
        return differenceLowerBound(routed, cloud, away: tiers.map { $0 != .cloud }, floor: qualityMin, alpha: alpha)
            >= margin
    }

    /// How far above 0 the fleet's mean of `d = s - qualityMin c` must be for a window of `events` events of the
    /// current traffic served with `tiers` to keep its quality ratio at or above `qualityMin` with probability
    /// `1 - alpha`: `z_(1-alpha)` times the samples' weighted standard deviation of `d` over `sqrt(events)` (the
    /// normal approximation of a window's mean). A table whose fleet ratio is exactly `q_min` is below it in half
    /// of all windows; one whose mean of `d` is this margin above 0 in `alpha` of them. Asking the mean's lower
    /// confidence bound (at the test's level) to clear the margin makes the promise hold with that confidence:
    /// the rolling promise, not only the mean's.
    /// - Complexity: O(n).
    public func windowMargin(tiers: [Tier], qualityMin: Double, events: Int, alpha: Double) -> Double {
        precondition(tiers.count == count, "one tier per sample")
        guard count > 0, events > 0 else { return 0 }
        var total = 0.0
        var mean = 0.0
        var differences = [Double](repeating: 0, count: count)
        for i in 0..<count {
            differences[i] = Double(samples.score.value(tiers[i], at: i)) - qualityMin * Double(samples.score.cloud[i])
            mean += weight[i] * differences[i]
            total += weight[i]
        }
        guard total > 0 else { return 0 }
        mean /= total
        var variance = 0.0
        for i in 0..<count {
            let d = differences[i] - mean
            variance += weight[i] * d * d
        }
        variance /= total
        return StandardNormal.quantile(1 - alpha) * (variance / Double(events)).squareRoot()
    }

    /// The lower bound of the fleet's mean of `s - floor c` (scores in [0, 1]): the bound (``bound``) of the
    /// observed strata's contribution, `mean of w_i (s_i - floor c_i)` (the same as the share-weighted sum of the
    /// strata's means), less the worst case (`-floor` per unit of share) of the strata without samples. `away[i]`:
    /// sample `i` is routed off the cloud.
    func differenceLowerBound(_ routed: [Double], _ cloud: [Double], away: [Bool], floor: Double, alpha: Double)
        -> Double
    {
        guard count > 0 else { return -floor }
        switch bound {
        case .empiricalBernstein:
            let maxWeight = weight.max() ?? 1
            var values = [Double](repeating: 0, count: count)
            for i in 0..<count { values[i] = weight[i] * (routed[i] - floor * cloud[i]) }
            let observed = MeanLowerBound.lowerBound(values, low: -floor * maxWeight, high: maxWeight, alpha: alpha)
            return observed - unobservedShare * floor
        case .normal:
            // Per stratum: the within-weighted mean of s - floor c, its weighted variance and effective count.
            let strata = shares.count
            var weightSums = [Double](repeating: 0, count: strata)
            var squareWeightSums = [Double](repeating: 0, count: strata)
            var means = [Double](repeating: 0, count: strata)
            var seen = [Int](repeating: 0, count: strata)
            var awayCounts = [Int](repeating: 0, count: strata)
            for i in 0..<count {
                let s = stratum[i]
                weightSums[s] += within[i]
                squareWeightSums[s] += within[i] * within[i]
                means[s] += within[i] * (routed[i] - floor * cloud[i])
                seen[s] += 1
                if away[i] { awayCounts[s] += 1 }
            }
            for s in 0..<strata where weightSums[s] > 0 { means[s] /= weightSums[s] }
            var squares = [Double](repeating: 0, count: strata)
            for i in 0..<count {
                let s = stratum[i]
                let deviation = routed[i] - floor * cloud[i] - means[s]
                squares[s] += within[i] * deviation * deviation
            }
            // Each stratum's variance has one pseudo-sample at the worst case for values in [-floor, 1], so a
            // small stratum whose few samples happen to agree is not taken as certain, in proportion to the
            // stratum's samples routed off the cloud, (a + 1) / (n + 1): a sample left on the cloud is worth
            // (1 - floor) c >= 0 whatever the outcomes, so it carries no risk to charge. The count is the effective
            // one, (sum w)^2 / sum w^2 (the number of samples when every weight is 1).
            let worst = (1 + floor) * (1 + floor) / 4
            var variances = [Double](repeating: worst, count: strata)
            var effective = [Double](repeating: 0, count: strata)
            for s in 0..<strata where seen[s] >= 1 && squareWeightSums[s] > 0 {
                effective[s] = weightSums[s] * weightSums[s] / squareWeightSums[s]
                let pseudo = worst * Double(awayCounts[s] + 1) / Double(seen[s] + 1)
                variances[s] = squares[s] / weightSums[s] + pseudo / effective[s]
            }
            let observed = MeanLowerBound.stratifiedNormalLowerBound(
                means: means,
                variances: variances,
                counts: seen,
                effectiveCounts: effective,
                shares: shares,
                alpha: alpha,
                worstVariance: worst
            )
            return observed - unobservedShare * floor
        }
    }

    /// The largest ratio `r` whose difference bound is still >= 0 (bisection on [0, 2]); nil without samples or
    /// when the cloud's weighted score is 0 (the ratio is undefined).
    func ratioLowerBound(_ routed: [Double], _ cloud: [Double], away: [Bool], alpha: Double) -> Double? {
        guard count > 0, zip(cloud, weight).contains(where: { $0.0 > 0 && $0.1 > 0 }) else { return nil }
        var low = 0.0
        var high = 2.0
        guard differenceLowerBound(routed, cloud, away: away, floor: low, alpha: alpha) >= 0 else { return 0 }
        for _ in 0..<40 {
            let middle = (low + high) / 2
            if differenceLowerBound(routed, cloud, away: away, floor: middle, alpha: alpha) >= 0 {
                low = middle
            } else {
                high = middle
            }
        }
        return low
    }
}
