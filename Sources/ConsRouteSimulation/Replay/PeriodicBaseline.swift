import ConsRouteModel
import ConsRouteTuning

/// A `periodic` baseline: every `every` events, refit blindly on the shadow samples of the last `windowEvents`
/// events (the same samples the adaptive pipeline saw) with a fleet floor at `q_min + margin`, in-sample, on the
/// clusters of the adaptive table in effect; no drift detection, no bound. All-cloud until the first adaptive table.
public struct PeriodicBaseline: Sendable {
    /// The refit cadence, window and margin.
    public struct Variant: Sendable, Codable, Hashable {
        /// Refit cadence, in events.
        public var every: Int
        /// Events whose shadow samples each refit uses.
        public var windowEvents: Int
        /// The floor is `q_min + margin`.
        public var margin: Double

        public init(every: Int, windowEvents: Int, margin: Double) {
            self.every = every
            self.windowEvents = windowEvents
            self.margin = margin
        }
    }

    /// A remembered shadow sample.
    private struct Remembered: Sendable {
        var event: Int
        var representation: [Float]
        var query: ReplayQuery
    }

    let variant: Variant
    private let weights: ObjectiveWeights
    private var remembered: [Remembered] = []
    private var compiled: CompiledTable?
    private var lastRefit: Int?
    var ledger: PolicyLedger
    /// Its served score per event, for its rolling figures (against the cloud's, kept by the replay's policy).
    var served: [Float] = []

    init(_ variant: Variant, weights: ObjectiveWeights, reprefillMsPer1kTokens: [Float]) {
        self.variant = variant
        self.weights = weights
        ledger = PolicyLedger(reprefillMsPer1kTokens: reprefillMsPer1kTokens)
    }

    /// Routes and serves one event; refits first when due and an adaptive table exists.
    mutating func serve(_ event: TelemetryEvent, _ query: ReplayQuery, index: Int, adaptive: CompiledTable?) {
        if let adaptive, lastRefit.map({ index - $0 >= variant.every }) ?? true {
            refit(on: adaptive, at: index)
        }
        var tier = Tier.cloud
        if let compiled {
            let stale = compiled.table.isExpired(atMs: event.timeUnixMs)
            tier =
                event.representation.withUnsafeBufferPointer {
                    compiled.policy.decide(
                        representation: $0,
                        pDevice: event.pDevice,
                        pEdge: event.pEdge,
                        turn: ledger.turnContext(query),
                        stale: stale
                    )
                }.tier
        }
        ledger.serve(query, on: tier)
        if let shadow = event.shadow { served.append(shadow.score[tier]) }
    }

    /// Remembers a shadow sample the pipeline saw.
    mutating func remember(_ event: TelemetryEvent, _ query: ReplayQuery, index: Int) {
        remembered.append(Remembered(event: index, representation: event.representation, query: query))
    }

    private mutating func refit(on adaptive: CompiledTable, at index: Int) {
        lastRefit = index
        remembered.removeAll { $0.event < index - variant.windowEvents }
        let policy = adaptive.policy
        let novel = policy.clusterCount
        var groups = [[ReplayQuery]](repeating: [], count: novel + 1)
        for sample in remembered {
            let decision = sample.representation.withUnsafeBufferPointer {
                policy.decide(representation: $0, pDevice: 0, pEdge: 0)
            }
            groups[decision.isNovel ? novel : decision.clusterIndex].append(sample.query)
        }
        guard groups.contains(where: { !$0.isEmpty }) else { return }
        let novelPair = ThresholdPair(
            device: adaptive.table.novel.device,
            edge: adaptive.table.novel.edge
        )
        let pairs = fleetHindsightPairs(
            groups,
            floor: weights.qualityMin + variant.margin,
            weights: weights,
            fixed: [novel: novelPair]
        )
        var table = adaptive.table
        for index in table.clusters.indices {
            table.clusters[index].thresholds = ThresholdPair(device: pairs[index].device, edge: pairs[index].edge)
        }
        compiled = CompiledTable(table)
    }
}
