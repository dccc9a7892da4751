public import ConsRouteModel

/// What a fleet's tables carry besides clusters and thresholds.
public struct FleetTableMetadata: Sendable {
    public var fleet: String
    public var fingerprint: Fingerprint
    /// How long a table stays fresh; routers fall back to the novel thresholds after it.
    public var lifetimeMs: Int64
    public var reprefillMsPer1kTokens: [Float]
    public var controllerVersion: String

    public init(
        fleet: String,
        fingerprint: Fingerprint,
        lifetimeMs: Int64,
        reprefillMsPer1kTokens: [Float],
        controllerVersion: String
    ) {
        self.fleet = fleet
        self.fingerprint = fingerprint
        self.lifetimeMs = lifetimeMs
        self.reprefillMsPer1kTokens = reprefillMsPer1kTokens
        self.controllerVersion = controllerVersion
    }
}

extension FleetTuner {
    /// A table's `latency_ref_ms` when the proposal has no all-cloud mean latency to normalise the switch margin by.
    static let fallbackLatencyRefMs = 1_000.0

    /// The table for a clustering and a threshold proposal: the latency reference is the proposal's all-cloud mean
    /// latency (`fallbackLatencyRefMs` when that is 0).
    ///
    /// - Parameters:
    ///   - version: the new version (strictly above every earlier one of the fleet).
    ///   - parent: the version it replaces (0 for the first).
    ///   - thresholds: the proposal; clusters it lacks get the novel thresholds.
    ///   - provenance: trigger, data window and optimiser run.
    public func table(
        metadata: FleetTableMetadata,
        version: UInt64,
        parent: UInt64,
        nowMs: Int64,
        clustering: ClusteringProposal,
        thresholds: ThresholdProposal,
        rollout: Rollout,
        provenance: Provenance
    ) -> ThresholdTable {
        let d = clustering.dimension
        return ThresholdTable(
            fleet: metadata.fleet,
            version: version,
            parentVersion: parent,
            createdAtMs: nowMs,
            expiresAtMs: nowMs + metadata.lifetimeMs,
            fingerprint: metadata.fingerprint,
            clusters: clustering.ids.enumerated().map { index, id in
                TableCluster(
                    id: id,
                    centroid: Array(clustering.centroids[index * d..<(index + 1) * d]),
                    radius2: clustering.radius2[index],
                    thresholds: thresholds.thresholds[id] ?? settings.novelThresholds
                )
            },
            novel: settings.novelThresholds,
            objective: objective,
            latencyRefMs: thresholds.cloudLatencyMs > 0 ? thresholds.cloudLatencyMs : Self.fallbackLatencyRefMs,
            reprefillMsPer1kTokens: metadata.reprefillMsPer1kTokens,
            rollout: rollout,
            expected: thresholds.expected,
            provenance: provenance
        )
    }

    /// The clusters of an existing table, for re-optimising thresholds without re-clustering.
    public static func clustering(of table: ThresholdTable) -> ClusteringProposal {
        ClusteringProposal(
            dimension: table.dimension,
            centroids: table.clusters.flatMap(\.centroid),
            ids: table.clusters.map(\.id),
            radius2: table.clusters.map(\.radius2),
            newIDs: [],
            retiredIDs: [],
            nextID: (table.clusters.map(\.id).max() ?? 0) &+ 1,
            inertia: 0,
            pointsUsed: 0,
            clusterCountBefore: table.clusters.count,
            selectionScores: [:],
            seconds: 0
        )
    }
}
