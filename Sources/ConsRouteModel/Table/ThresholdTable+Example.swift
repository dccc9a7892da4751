extension ThresholdTable {
    /// A valid example table with `clusterCount` random centroids, for demos, tests and benchmarks.
    ///
    /// Centroids are drawn uniformly from [-1, 1]^d; thresholds spread from device-friendly (low) to
    /// cloud-leaning (high) across clusters; `radius2` is `d` (about the squared distance of a point drawn
    /// with unit variance around its centroid, times 1). Times are relative to `createdAtMs`.
    public static func example<G: RandomNumberGenerator>(
        fleet: String = "example",
        version: UInt64 = 1,
        dimension: Int = 64,
        clusterCount: Int = 16,
        createdAtMs: Int64 = 0,
        lifetimeMs: Int64 = 24 * 3_600_000,
        using generator: inout G
    ) -> ThresholdTable {
        let clusters = (0..<clusterCount).map { index in
            let spread = Float(index) / Float(max(1, clusterCount - 1))
            return TableCluster(
                id: UInt32(index),
                centroid: (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) },
                radius2: Float(dimension),
                thresholds: ThresholdPair(device: 0.5 + 0.45 * spread, edge: 0.4 + 0.4 * spread)
            )
        }
        return ThresholdTable(
            fleet: fleet,
            version: version,
            parentVersion: version - 1,
            createdAtMs: createdAtMs,
            expiresAtMs: createdAtMs + lifetimeMs,
            fingerprint: Fingerprint(
                representationModel: "example-slm",
                representationDim: dimension,
                reranker: "example-reranker",
                promptTemplate: "v1"
            ),
            clusters: clusters,
            novel: ThresholdPair(device: 0.98, edge: 0.9),
            objective: .standard,
            latencyRefMs: 900,
            reprefillMsPer1kTokens: [40, 15, 5],
            rollout: .active,
            expected: ExpectedOutcome(
                qualityRatio: 0.96,
                latencyRatio: 0.55,
                costRatio: 0.5,
                latencyMs: 495,
                cost: 0.0011,
                shares: [0.4, 0.35, 0.25]
            ),
            provenance: Provenance(
                trigger: "bootstrap",
                windowFromMs: createdAtMs,
                windowToMs: createdAtMs,
                windowEvents: 0,
                windowShadow: 0,
                optimiserRunID: "",
                controllerVersion: "example"
            )
        )
    }
}
