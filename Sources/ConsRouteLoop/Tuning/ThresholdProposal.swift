public import ConsRouteModel
public import ConsRouteTuning

/// The outcome of a threshold optimisation over a fleet's clusters, after guardrails.
public struct ThresholdProposal: Sendable {
    /// What one cluster got.
    public struct ClusterReport: Sendable {
        public var id: UInt32
        /// Samples the thresholds were chosen on, and held-out samples the choice was checked on.
        public var trainingSamples: Int
        public var heldOutSamples: Int
        /// The allocation's choice before the step limit, and the final pair.
        public var optimised: ThresholdPair
        public var final: ThresholdPair
        /// Weight of the cluster's own samples against the fleet's pooled ones, `n / (n + n0)`.
        public var shrinkageWeight: Double
        /// The cluster's share of the fleet's current traffic.
        public var trafficShare: Double
        /// Predicted quality ratio of the final pair on the cluster's held-out samples (nil without any, or when
        /// its all-cloud score is 0 there).
        public var heldOutQualityRatio: Double?
        /// Evaluated (t_device, t_edge, objective) triples, for history.
        public var trials: [(tDevice: Float, tEdge: Float, objective: Double)]
    }

    /// Why the proposal may or may not be published.
    public enum Verdict: Sendable, Equatable {
        /// The fleet quality ratio's lower confidence bound clears `q_min`.
        case pass
        /// As `pass`, with thresholds pulled to within the step limit of the previous table.
        case clamped(clusters: [UInt32])
        /// The bound does not clear `q_min`, but the table in force is below `q_min` on the same samples and the
        /// candidate is better on quality: the fleet moves toward safety.
        case towardSafety
        /// The bound does not clear `q_min`, but the candidate is at least as good as the table in force on both
        /// quality and objective: staying would keep a table known to be worse.
        case dominates
        /// Do not publish.
        case rejected(reason: String)

        /// Whether the proposal may be published.
        public var publishes: Bool {
            if case .rejected = self { return false }
            return true
        }
    }

    public var engine: FleetTunerSettings.Engine
    public var clusters: [ClusterReport]
    /// The final thresholds by cluster id.
    public var thresholds: [UInt32: ThresholdPair]
    /// The candidate's figures on the held-out samples, with the quality ratio's lower confidence bound.
    public var estimate: PolicyEstimate
    /// Predicted outcome of the final thresholds on the held-out samples, weighted to the current traffic mix
    /// (`estimate`, as a table carries it).
    public var expected: ExpectedOutcome {
        ExpectedOutcome(
            qualityRatio: estimate.qualityRatio,
            latencyRatio: estimate.latencyRatio,
            costRatio: estimate.costRatio,
            latencyMs: estimate.meanLatencyMs,
            cost: estimate.meanCost,
            shares: [estimate.shares.device, estimate.shares.edge, estimate.shares.cloud]
        )
    }
    /// The table in force on the same samples (all-cloud routing before the first table).
    public var current: PolicyEstimate
    /// Before the first table (nil afterwards): every cluster on the cloud-leaning novel thresholds, on the same
    /// samples. It is the first table when no candidate clears the bound, unless it is itself below `q_min` there.
    public var cloudLeaning: PolicyEstimate?
    public var verdict: Verdict
    /// Per stratum (each cluster in order, then the novel queries), the held-out mean of `s - q_min c` under the
    /// final thresholds: what the quality-floor monitor weighs by the traffic mix while the table is in force.
    public var strataMargins: [Double]
    /// The risk level alpha the bound holds at.
    public var alpha: Double
    /// The shrinkage n0 used.
    public var priorSampleCount: Double
    /// Candidates in the family, and how many were tested before the first failed the bound.
    public var candidates: Int
    public var candidatesTested: Int
    /// Shadow samples used (after change cuts), and held in the window.
    public var samplesUsed: Int
    public var shadowSamples: Int
    /// All-cloud mean latency of the shadow window (the switch margin's normaliser).
    public var cloudLatencyMs: Double
    public var seconds: Double
}

extension ThresholdProposal {
    /// Before the first table, when no candidate cleared the bound: the proposal that puts every cluster on the
    /// cloud-leaning novel thresholds (no thresholds of its own), with their figures, if their own lower bound clears
    /// `qualityMin` (the same test as any candidate's); nil otherwise, and after the first table.
    public func cloudLeaningFirstTable(qualityMin: Double) -> ThresholdProposal? {
        guard let cloudLeaning, let bound = cloudLeaning.qualityLowerBound, bound >= qualityMin else { return nil }
        var proposal = self
        proposal.thresholds = [:]
        proposal.estimate = cloudLeaning
        // The candidate's per-cluster margins do not describe this table: the floor monitor watches its served
        // outcomes only.
        proposal.strataMargins = []
        return proposal
    }
}

extension ThresholdProposal.Verdict {
    /// The guardrail's basis as history records it.
    public var basis: String {
        switch self {
        case .pass, .clamped: "bound"
        case .towardSafety: "toward_safety"
        case .dominates: "dominates"
        case .rejected: "bound_failed"
        }
    }
}
