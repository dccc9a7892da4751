package import ConsRouteModel

/// Running sums of what a policy served on a range of events: score, latency, cost and tier counts.
package struct OutcomeTotals: Sendable {
    package var count = 0
    package var score = 0.0
    package var latencyMs = 0.0
    package var cost = 0.0
    package var tierCounts = [0, 0, 0]

    package init() {}

    @inline(__always)
    package mutating func add(tier: Tier, score: Float, latencyMs: Double, cost: Float) {
        count += 1
        self.score += Double(score)
        self.latencyMs += latencyMs
        self.cost += Double(cost)
        tierCounts[tier.rawValue] += 1
    }
}
