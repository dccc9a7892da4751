public import ConsRouteLoop
public import ConsRouteModel

extension FleetPipelineSettings {
    /// The control loop as the replay runs it: the controller's defaults, and tables that do not expire within a
    /// replay (a week), as documented in `config/scenarios/README.md`.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - fingerprint: the fleet's fingerprint (its `representationDim` is d).
    ///   - objective: the threshold objective.
    ///   - reprefillMsPer1kTokens: per tier, the re-prefill cost the router's switch margin uses.
    public static func replay(
        fleet: String,
        fingerprint: Fingerprint,
        objective: ObjectiveWeights,
        reprefillMsPer1kTokens: [Float]
    ) -> FleetPipelineSettings {
        FleetPipelineSettings(
            metadata: FleetTableMetadata(
                fleet: fleet,
                fingerprint: fingerprint,
                lifetimeMs: 7 * 86_400_000,
                reprefillMsPer1kTokens: reprefillMsPer1kTokens,
                controllerVersion: "consroute-replay"
            ),
            objective: objective
        )
    }
}
