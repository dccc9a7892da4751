import ConsRouteModel
import ConsRouteRouter
import ConsRouteSimulation
import ConsRouteTuning

/// Routes the scenario's full-information events as the fleet's devices do, and keeps the books.
///
/// Each event is decided by its device's router with the conversation's `TurnContext`; the served tier's score,
/// latency (re-prefill of a moved conversation included) and cost come from the event's shadow, through the
/// replay's `PolicyLedger`, which also serves every event on the cloud for the all-cloud reference.
struct LiveRouting: Sendable {
    var served: PolicyLedger
    var allCloud: PolicyLedger
    private var sessions = SessionSlots()
    private var shadowDraw: SeededGenerator
    private let shadowRate: Double
    private var eventIDs = SystemRandomNumberGenerator()

    init(scenario: Scenario, shadowSeed: UInt64) {
        served = PolicyLedger(reprefillMsPer1kTokens: scenario.sessions.reprefillMsPer1kTokens)
        allCloud = served
        shadowDraw = SeededGenerator(seed: shadowSeed)
        shadowRate = scenario.shadowRate
    }

    /// The event `router`'s device reports for a generated event, and its outcome for the recent figures.
    ///
    /// Before the router holds a table the cloud serves, with `table_version` 0 and cluster 0. The event gets a
    /// fresh random id (as a device's `TelemetryEventBuilder` gives), `time_unix_ms` = `nowMs`, and keeps
    /// `shadow` on a seeded `shadow_rate` share.
    ///
    /// - Complexity: O(k·d) for the decision.
    mutating func route(_ event: TelemetryEvent, router: DeviceRouter, nowMs: Int64) -> (
        event: TelemetryEvent, outcome: RecentOutcomeRing.Outcome
    ) {
        guard let shadow = event.shadow else { preconditionFailure("ScenarioGenerator gives every event a shadow") }
        let query = sessions.query(for: event, shadow: shadow)
        let context = served.turnContext(query)
        let (decision, version) = Self.decide(event, context: context, router: router)
        let tier = decision?.tier ?? .cloud
        let outcome = served.serve(query, on: tier)
        let cloud = allCloud.serve(query, on: .cloud)

        var observed = event
        observed.eventID = EventID.random(using: &eventIDs)
        observed.timeUnixMs = nowMs
        observed.tier = tier
        observed.latencyMs = Float(outcome.latencyMs)
        observed.cost = outcome.cost
        observed.tableVersion = version
        observed.cluster = decision?.clusterID ?? 0
        observed.previousTier = event.turn > 0 ? context?.previousTier : nil
        if shadowDraw.nextUnit() >= shadowRate { observed.shadow = nil }
        return (
            observed,
            RecentOutcomeRing.Outcome(
                tier: tier,
                score: shadow.score[tier],
                latencyMs: outcome.latencyMs,
                cost: outcome.cost,
                cloudScore: shadow.score.cloud,
                cloudLatencyMs: cloud.latencyMs,
                cloudCost: cloud.cost
            )
        )
    }

    /// The router's decision and the version of the table that made it (nil and 0 without a table).
    ///
    /// A subscription may apply a table between reading the version and deciding; the pair is read again until
    /// both come from the same table, so an event never reports a version that did not route it.
    private static func decide(_ event: TelemetryEvent, context: TurnContext?, router: DeviceRouter) -> (
        RoutingDecision?, UInt64
    ) {
        while true {
            guard let before = router.policy?.version else { return (nil, 0) }
            let decision = try? router.route(
                representation: event.representation,
                pDevice: event.pDevice,
                pEdge: event.pEdge,
                turn: context
            )
            if router.policy?.version == before { return (decision, decision == nil ? 0 : before) }
        }
    }
}
