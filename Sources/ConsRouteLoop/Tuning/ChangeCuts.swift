/// What the control loop knows about recent changes, so that a tuning leaves out samples from before them: samples
/// older than a cut describe traffic that no longer exists (older samples still fill up to the tuner's minimum).
public struct ChangeCuts: Sendable, Equatable {
    /// Samples older than this (Unix ms) are out of date for every cluster (a latency or cost change of a tier).
    public var fleetMs: Int64?
    /// Per cluster id: samples of that cluster older than this are out of date (its outcomes changed).
    public var clusterMs: [UInt32: Int64]

    /// The last sign of a change of the traffic's mix (an occupancy, novelty, served-latency or served-cost drift),
    /// Unix ms: samples from before it still count, but less (`FleetTunerSettings.preMixChangeWeight`), because the
    /// queries a cluster now gets may come from other tasks than those its older samples came from.
    public var mixMs: Int64?

    public init(fleetMs: Int64? = nil, clusterMs: [UInt32: Int64] = [:], mixMs: Int64? = nil) {
        self.fleetMs = fleetMs
        self.clusterMs = clusterMs
        self.mixMs = mixMs
    }

    /// No change known.
    public static let none = ChangeCuts()

    /// The cut for a sample of cluster `id` (nil: a novel sample), `Int64.min` without one.
    func cut(cluster id: UInt32?) -> Int64 {
        max(fleetMs ?? .min, id.flatMap { clusterMs[$0] } ?? .min)
    }
}
