public import ConsRouteModel
public import ConsRouteTuning

/// Everything that shapes one fleet's control loop.
public struct FleetPipelineSettings: Sendable {
    /// Fleet name, fingerprint, table lifetime, re-prefill costs.
    public var metadata: FleetTableMetadata
    /// The objective the thresholds are optimised for.
    public var objective: ConsRouteModel.ObjectiveWeights
    /// Re-clustering and threshold optimisation.
    public var tuner = FleetTunerSettings()
    /// The drift detectors.
    public var drift = FleetDriftMonitor.Configuration()
    /// Recent representations kept for re-clustering.
    public var reservoirCapacity = 200_000
    /// Recent shadow samples kept for threshold optimisation.
    public var shadowCapacity = 50_000
    /// Events (with at least `tuner.minimumShadowSamples` shadow samples) before the first table.
    public var bootstrapEvents = 5_000
    /// A drift trigger waits this long for further drift before tuning starts (debounce).
    public var debounceMs: Int64 = 30_000
    /// The least time between two drift- or schedule-triggered tunings.
    public var minimumIntervalMs: Int64 = 60_000
    /// Re-tune once the shadow window gained as many samples as the last tuning had (thresholds tighten as data
    /// grows, and follow a changed mix without waiting for the schedule). Off by default in the controller (a
    /// re-tune per doubling competes with drift-triggered ones for the minimum interval).
    public var retuneOnDataGrowth = false
    /// Re-tune on a schedule even without drift (nil: never).
    public var scheduleMs: Int64? = 3_600_000
    /// Canary rollout of tuned tables (disabled by default: every table is published as active).
    public var rollout = CanaryRolloutSettings()

    public init(metadata: FleetTableMetadata, objective: ConsRouteModel.ObjectiveWeights) {
        self.metadata = metadata
        self.objective = objective
    }
}
