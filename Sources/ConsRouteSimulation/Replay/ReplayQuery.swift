package import ConsRouteModel

/// What the replay knows about one event when routing it for every policy.
package struct ReplayQuery: Sendable {
    /// The conversation's slot (-1 without a session).
    package var slot: Int
    package var turn: UInt32
    package var contextTokens: UInt32
    package var pDevice: Float
    package var pEdge: Float
    package var shadow: ShadowOutcome
}

/// Numbers conversations in the order they first appear (the slot a `PolicyLedger` keeps a conversation's tier in)
/// and turns an event into the replay's view of it.
package struct SessionSlots: Sendable {
    private var slots: [String: Int] = [:]

    /// The query for `event`, whose `shadow` the caller has unwrapped.
    package init() {}

    package mutating func query(for event: TelemetryEvent, shadow: ShadowOutcome) -> ReplayQuery {
        ReplayQuery(
            slot: slot(of: event),
            turn: event.turn,
            contextTokens: event.contextTokens,
            pDevice: event.pDevice,
            pEdge: event.pEdge,
            shadow: shadow
        )
    }

    /// The conversation slot of the event's session (-1 without one).
    private mutating func slot(of event: TelemetryEvent) -> Int {
        guard !event.sessionID.isEmpty else { return -1 }
        if let known = slots[event.sessionID] { return known }
        let slot = slots.count
        slots[event.sessionID] = slot
        return slot
    }
}
