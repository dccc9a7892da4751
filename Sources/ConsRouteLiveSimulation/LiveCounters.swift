import ConsRouteModel
import ConsRouteSimulation

/// What a live simulation has done so far, behind the simulator's lock.
struct LiveCounters: Sendable {
    var runCalled = false
    var startedAt: ContinuousClock.Instant?
    var devicesReady = 0
    var eventsSent = 0
    var eventsDelivered = 0
    var eventsFailed = 0
    var acksSent = 0
    var acksApplied = 0
    var acksFailed = 0
    var phase = "initial"
    var served = OutcomeTotals()
    var allCloud = OutcomeTotals()
    var recent: RecentOutcomeRing

    init(recentEvents: Int) {
        recent = RecentOutcomeRing(capacity: recentEvents)
    }
}
