import ConsRouteModel

/// Running sums of what a policy served on a range of events: score, latency, cost and tier counts.
struct OutcomeTotals: Sendable {
    var count = 0
    var score = 0.0
    var latencyMs = 0.0
    var cost = 0.0
    var tierCounts = [0, 0, 0]

    @inline(__always)
    mutating func add(tier: Tier, score: Float, latencyMs: Double, cost: Float) {
        count += 1
        self.score += Double(score)
        self.latencyMs += latencyMs
        self.cost += Double(cost)
        tierCounts[tier.rawValue] += 1
    }
}
