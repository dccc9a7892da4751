public import ConsRouteModel

/// Builds the telemetry event a device reports for a routed query (docs/design.md §4).
///
/// One builder per device; `event(...)` gives each event a fresh random 16-byte id.
public struct TelemetryEventBuilder: Sendable {
    public let fleet: String
    public let deviceID: String

    public init(fleet: String, deviceID: String) {
        self.fleet = fleet
        self.deviceID = deviceID
    }

    /// The event for a query routed by `decision` under table `tableVersion` and served on `servedTier`.
    ///
    /// - Parameters:
    ///   - shadow: the outcome on every tier, for a shadow sample; nil otherwise.
    ///   - session: the session id, turn number and context of a multi-turn query.
    public func event(
        timeUnixMs: Int64,
        tableVersion: UInt64,
        decision: RoutingDecision,
        representation: [Float],
        pDevice: Float,
        pEdge: Float,
        servedTier: Tier,
        latencyMs: Float,
        cost: Float,
        promptTokens: UInt32 = 0,
        completionTokens: UInt32 = 0,
        session: (id: String, turn: UInt32, context: TurnContext?)? = nil,
        shadow: ShadowOutcome? = nil
    ) -> TelemetryEvent {
        var generator = SystemRandomNumberGenerator()
        return TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: fleet,
            deviceID: deviceID,
            timeUnixMs: timeUnixMs,
            tableVersion: tableVersion,
            cluster: decision.clusterID,
            representation: representation,
            pDevice: pDevice,
            pEdge: pEdge,
            tier: servedTier,
            latencyMs: latencyMs,
            cost: cost,
            promptTokens: promptTokens,
            completionTokens: completionTokens,
            sessionID: session?.id ?? "",
            turn: session?.turn ?? 0,
            contextTokens: session?.context?.contextTokens ?? 0,
            previousTier: session?.context?.previousTier,
            shadow: shadow
        )
    }
}
