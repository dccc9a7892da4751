extension FleetDriftMonitor {
    /// How close each detector family is to an alarm: its current statistic over its alarm threshold (1 would
    /// alarm), the largest over the family's detectors. For dashboards: the figures move before an event fires.
    public struct Levels: Sendable, Equatable {
        /// Cluster occupancy (χ² over critical value, last checkpoint).
        public var occupancy: Double
        /// Distance to the nearest centroid (ADWIN's most significant cut).
        public var novelty: Double
        /// Shadow scores, the largest over every (cluster, tier).
        public var outcome: Double
        /// Served latency, the largest over tiers (Page-Hinkley).
        public var latency: Double
        /// Served cost, the largest over tiers (Page-Hinkley).
        public var cost: Double
    }

    /// The detectors' current levels.
    ///
    /// - Complexity: O(clusters · tiers · ADWIN buckets); call it at metrics time, not per event.
    public func levels() -> Levels {
        Levels(
            occupancy: occupancy.level,
            novelty: novelty.level(),
            outcome: outcomes.reduce(0) { max($0, $1.level()) },
            latency: latency.reduce(0) { max($0, $1.level) },
            cost: cost.reduce(0) { max($0, $1.level) }
        )
    }
}
