public import ConsRouteModel
public import ConsRouteTuning

extension FleetPipeline {
    /// A pending or running tuning's reason.
    public struct Trigger: Sendable, Equatable {
        public var kind: TriggerKind
        /// When the first reason arrived (the debounce starts there).
        public var firstAtMs: Int64
        /// Re-cluster before optimising (bootstrap, representation drift).
        public var recluster: Bool
        /// The drift events that asked for it.
        public var driftEventIDs: [String]
        /// Cluster ids whose outcome drifted (informational: all clusters are re-optimised).
        public var clusters: Set<UInt32>

        /// Drift event ids a table's provenance names at most.
        static let citedDriftEvents = 4

        /// The table's `provenance.trigger` text.
        public var provenanceText: String {
            switch kind {
            case .bootstrap, .schedule, .operatorRequest: kind.rawValue
            case .drift:
                // The first few ids, then a count: a burst of drift can raise dozens, and the table stays small.
                "drift:" + driftEventIDs.prefix(Self.citedDriftEvents).joined(separator: ",")
                    + (driftEventIDs.count > Self.citedDriftEvents
                        ? ",+\(driftEventIDs.count - Self.citedDriftEvents) more" : "")
            }
        }
    }

    /// A drift the monitor detected, with what the history needs to record it.
    public struct DetectedDrift: Sendable {
        /// Stable id (`<fleet>/drift/<event time ms>-<event id>/<kind>`: the event that raised it, so a replay that
        /// finds the same drift again names it the same), referenced by the table's provenance.
        public var id: String
        public var event: DriftEvent
        public var detectedAtMs: Int64
        /// The cluster id and tier concerned, for outcome, latency and cost drift.
        public var clusterID: UInt32?
        public var tier: Tier?
    }

    /// What one tuning produced.
    public struct TuningOutcome: Sendable {
        public var trigger: Trigger
        /// The new clusters (nil when only thresholds were re-optimised).
        public var clustering: ClusteringProposal?
        public var thresholds: ThresholdProposal?
        /// The table to sign and publish; nil when a guardrail or an error stopped it.
        public var table: ThresholdTable?
        /// Why no table was produced.
        public var failure: String?
        /// The data window the tuning used.
        public var windowFromMs: Int64
        public var windowToMs: Int64
        public var windowEvents: UInt64
        public var windowShadow: UInt64
        /// Optimiser run id (also in the table's provenance).
        public var runID: String
    }
}
