public import ConsRouteModel

/// One part of a fleet's shadow samples for ``FleetAllocator``: a cluster, or the novel queries, whose
/// thresholds are fixed.
public struct FleetStratum: Sendable {
    /// The stratum's samples to choose thresholds on.
    public var samples: ShadowSamples
    /// The stratum's share of the fleet's current traffic (need not sum to 1 across strata).
    public var share: Double
    /// Thresholds that are not tuned (the novel queries'); nil for a cluster.
    public var fixed: ThresholdPair?

    /// Creates a stratum.
    /// - Parameters:
    ///   - samples: the samples to choose thresholds on.
    ///   - share: the traffic share, >= 0.
    ///   - fixed: fixed thresholds, or nil for a cluster whose thresholds are tuned.
    public init(samples: ShadowSamples, share: Double, fixed: ThresholdPair? = nil) {
        self.samples = samples
        self.share = share
        self.fixed = fixed
    }
}
