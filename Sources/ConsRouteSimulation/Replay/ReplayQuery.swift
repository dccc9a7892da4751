import ConsRouteModel

/// What the replay knows about one event when routing it for every policy.
struct ReplayQuery: Sendable {
    /// The conversation's slot (-1 without a session).
    var slot: Int
    var turn: UInt32
    var contextTokens: UInt32
    var pDevice: Float
    var pEdge: Float
    var shadow: ShadowOutcome
}
