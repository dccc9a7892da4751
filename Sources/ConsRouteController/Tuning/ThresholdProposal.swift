public import ConsRouteModel

/// The outcome of a threshold optimisation over a fleet's clusters, after guardrails.
public struct ThresholdProposal: Sendable {
    /// What one cluster got.
    public struct ClusterReport: Sendable {
        public var id: UInt32
        /// Training and held-out shadow samples.
        public var trainingSamples: Int
        public var heldOutSamples: Int
        /// The engine's choice before shrinkage and guardrails, and the final pair.
        public var optimised: ThresholdPair
        public var final: ThresholdPair
        /// Weight of the cluster's own optimum against the pooled thresholds.
        public var shrinkageWeight: Double
        /// Predicted quality ratio of the final pair on the held-out samples (nil without any).
        public var heldOutQualityRatio: Double?
        /// Evaluated (t_device, t_edge, objective) triples, for history.
        public var trials: [(tDevice: Float, tEdge: Float, objective: Double)]
    }

    /// Why the proposal may or may not be published.
    public enum Verdict: Sendable, Equatable {
        /// Passed every guardrail unchanged.
        case pass
        /// Passed after thresholds were pulled to within the step limit of the previous table.
        case clamped(clusters: [UInt32])
        /// Failed: predicted quality ratio below `q_min`; do not publish.
        case rejected(reason: String)
    }

    public var engine: FleetTunerSettings.Engine
    public var clusters: [ClusterReport]
    /// The final thresholds by cluster id.
    public var thresholds: [UInt32: ThresholdPair]
    /// Predicted outcome of the final thresholds on the held-out samples.
    public var expected: ExpectedOutcome
    public var verdict: Verdict
    public var shadowSamples: Int
    /// All-cloud mean latency of the shadow window (the switch margin's normaliser).
    public var cloudLatencyMs: Double
    public var seconds: Double
}
