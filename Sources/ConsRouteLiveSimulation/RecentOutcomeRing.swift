import ConsRouteModel
import ConsRouteSimulation

/// The outcomes of the last `capacity` events, for the live simulation's recent figures: what the fleet served
/// and what the cloud would have served, in a ring.
struct RecentOutcomeRing: Sendable {
    /// One event: the served tier and its score, latency and cost; the cloud's.
    struct Outcome: Sendable {
        var tier: Tier
        var score: Float
        var latencyMs: Double
        var cost: Float
        var cloudScore: Float
        var cloudLatencyMs: Double
        var cloudCost: Float
    }

    let capacity: Int
    private var ring: [Outcome] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = capacity
        ring.reserveCapacity(min(capacity, 1 << 16))
    }

    /// Records an event, replacing the oldest once full.
    mutating func append(_ outcome: Outcome) {
        if ring.count < capacity {
            ring.append(outcome)
        } else {
            ring[next] = outcome
        }
        next = (next + 1) % capacity
    }

    /// The totals of the events held: served and all-cloud.
    ///
    /// - Complexity: O(capacity).
    func totals() -> (served: OutcomeTotals, cloud: OutcomeTotals) {
        var served = OutcomeTotals()
        var cloud = OutcomeTotals()
        for outcome in ring {
            served.add(tier: outcome.tier, score: outcome.score, latencyMs: outcome.latencyMs, cost: outcome.cost)
            cloud.add(
                tier: .cloud,
                score: outcome.cloudScore,
                latencyMs: outcome.cloudLatencyMs,
                cost: outcome.cloudCost
            )
        }
        return (served, cloud)
    }
}
