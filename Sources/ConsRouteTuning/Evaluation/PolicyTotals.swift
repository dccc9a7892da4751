import ConsRouteModel

/// Running sums of a policy's routed and all-cloud metrics; the one place outcomes are computed.
struct PolicyTotals {
    private(set) var count = 0
    private var tierCounts = (device: 0, edge: 0, cloud: 0)
    private var score = 0.0, latency = 0.0, cost = 0.0
    private var cloudScore = 0.0, cloudLatency = 0.0, cloudCost = 0.0

    /// Adds sample `index` of `samples`, routed to `tier`.
    @inline(__always)
    mutating func add(_ samples: ShadowSamples, _ index: Int, routedTo tier: Tier) {
        count += 1
        switch tier {
        case .device: tierCounts.device += 1
        case .edge: tierCounts.edge += 1
        case .cloud: tierCounts.cloud += 1
        }
        score += Double(samples.score.value(tier, at: index))
        latency += Double(samples.latency.value(tier, at: index))
        cost += Double(samples.cost.value(tier, at: index))
        cloudScore += Double(samples.score.cloud[index])
        cloudLatency += Double(samples.latency.cloud[index])
        cloudCost += Double(samples.cost.cloud[index])
    }

    /// The outcome of the added samples.
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)`` with no samples,
    ///   ``ThresholdTuningError/zeroCloudReference(metric:)`` when an all-cloud mean is 0.
    func outcome(context: String) throws -> PolicyOutcome {
        guard count > 0 else { throw ThresholdTuningError.emptySamples(context: context) }
        for (metric, total) in [("score", cloudScore), ("latency", cloudLatency), ("cost", cloudCost)] where total <= 0
        {
            throw ThresholdTuningError.zeroCloudReference(metric: metric)
        }
        let n = Double(count)
        return PolicyOutcome(
            sampleCount: count,
            quality: score / n,
            qualityRatio: (score / n) / (cloudScore / n),
            meanLatency: latency / n,
            latencyRatio: (latency / n) / (cloudLatency / n),
            meanCost: cost / n,
            costRatio: (cost / n) / (cloudCost / n),
            tierShares: TierShares(
                device: Double(tierCounts.device) / n,
                edge: Double(tierCounts.edge) / n,
                cloud: Double(tierCounts.cloud) / n
            )
        )
    }
}
