public import ConsRouteModel

/// A drift detected by the ``FleetDriftMonitor``: what drifted, the statistic against its threshold, and
/// the index of the observation that triggered it, so the controller can record it and act on it.
public struct DriftEvent: Equatable, Sendable {
    /// What drifted.
    public enum Kind: Hashable, Sendable {
        /// Representation drift: the cluster occupancy of recent events differs from the reference.
        case occupancy
        /// Representation drift: the distance of queries to their nearest centroid changed (novel queries).
        case novelty
        /// Outcome drift: the shadow scores of `tier` in `cluster` changed.
        case outcome(cluster: Int, tier: Tier)
        /// The served latency of `tier` changed.
        case latency(tier: Tier)
        /// The served cost of `tier` changed.
        case cost(tier: Tier)
        /// The table in force's fleet quality ratio is estimated below `q_min` (``QualityFloorMonitor``).
        case quality

        /// Whether this is a drift of the query representation (which calls for a re-clustering).
        public var isRepresentationDrift: Bool {
            switch self {
            case .occupancy, .novelty: return true
            case .outcome, .latency, .cost, .quality: return false
            }
        }

        /// A stable lower-case name for storage and metrics labels: `occupancy`, `novelty`, `outcome`,
        /// `latency`, `cost`, `quality`.
        public var name: String {
            switch self {
            case .occupancy: return "occupancy"
            case .novelty: return "novelty"
            case .outcome: return "outcome"
            case .latency: return "latency"
            case .cost: return "cost"
            case .quality: return "quality"
            }
        }
    }

    /// What the controller should do about a drift (docs/design.md §6.4).
    public enum Action: Hashable, Sendable {
        /// Re-cluster, then re-optimise every cluster, then ``FleetDriftMonitor/rebase(reference:)``.
        case recluster
        /// Re-optimise the thresholds of one cluster.
        case reoptimize(cluster: Int)
        /// Re-optimise the thresholds of every cluster (a tier's latency or cost enters every objective).
        case reoptimizeAll
    }

    /// What drifted.
    public var kind: Kind
    /// The detector's statistic (see ``DriftDetection``).
    public var statistic: Double
    /// The threshold the statistic exceeded.
    public var threshold: Double
    /// The number of observations behind the statistic (see ``DriftDetection``).
    public var windowLength: Int
    /// Zero-based index of the triggering observation, counted since the monitor was created.
    public var eventIndex: Int

    /// Creates an event from a detector's detection.
    /// - Parameters:
    ///   - kind: what drifted.
    ///   - detection: the detector's report.
    ///   - eventIndex: the index of the triggering observation.
    public init(kind: Kind, detection: DriftDetection, eventIndex: Int) {
        self.kind = kind
        statistic = detection.statistic
        threshold = detection.threshold
        windowLength = detection.windowLength
        self.eventIndex = eventIndex
    }

    /// The action this drift calls for.
    public var action: Action {
        switch kind {
        case .occupancy, .novelty: return .recluster
        case .outcome(let cluster, _): return .reoptimize(cluster: cluster)
        case .latency, .cost, .quality: return .reoptimizeAll
        }
    }
}
