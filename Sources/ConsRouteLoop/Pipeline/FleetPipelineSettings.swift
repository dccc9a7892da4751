public import ConsRouteModel
public import ConsRouteTuning

/// Everything that shapes one fleet's control loop.
public struct FleetPipelineSettings: Sendable {
    /// Fleet name, fingerprint, table lifetime, re-prefill costs.
    public var metadata: FleetTableMetadata
    /// The objective the thresholds are optimised for.
    public var objective: ObjectiveWeights
    /// Re-clustering and threshold optimisation.
    public var tuner = FleetTunerSettings()
    /// The drift detectors.
    public var drift = FleetDriftMonitor.Configuration()
    /// Recent representations kept for re-clustering.
    public var reservoirCapacity = 200_000
    /// Recent shadow samples kept for threshold optimisation.
    public var shadowCapacity = 50_000
    /// Events (with at least `tuner.minimumShadowSamples` shadow samples) before the first table. The first table's
    /// bound (with the window check) is what keeps it safe on few samples; every event before it is served by the
    /// cloud (docs/benchmarks.md, "The window check on the bound").
    public var bootstrapEvents = 2_000
    /// A drift trigger waits this long for further drift before tuning starts (debounce).
    public var debounceMs: Int64 = 30_000
    /// The least time between two drift- or schedule-triggered tunings.
    public var minimumIntervalMs: Int64 = 60_000
    /// Re-tune once `dataGrowthFraction` of the shadow samples the last published tuning used arrived anew
    /// (thresholds tighten as data grows, and follow a changed mix without waiting for the schedule), or, when that
    /// tuning could certify nothing cheaper than the cloud, once `tuner.minimumShadowSamples` new ones arrived: the
    /// loop does not stay on an all-cloud fallback until the schedule. It still waits for the minimum interval.
    public var retuneOnDataGrowth = true
    /// With `retuneOnDataGrowth`: the new shadow samples, as a fraction of those the last tuning used, that make the
    /// next re-tune due (at least `tuner.minimumShadowSamples`). 1 re-tunes per doubling (a handful per change);
    /// 0.25, the default, about every 4,000 events at 10% shadow, which follows a gradual change sooner and
    /// measured cheaper on `llm-benchmarks.yaml` (docs/benchmarks.md).
    public var dataGrowthFraction = 0.25
    /// Re-tune on a schedule even without drift (nil: never).
    public var scheduleMs: Int64? = 3_600_000
    /// Canary rollout of tuned tables (disabled by default: every table is published as active).
    public var rollout = CanaryRolloutSettings()

    public init(metadata: FleetTableMetadata, objective: ObjectiveWeights) {
        self.metadata = metadata
        self.objective = objective
    }
}
