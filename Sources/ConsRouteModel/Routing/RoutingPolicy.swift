/// A table compiled for the data plane: centroids laid out for SIMD, thresholds in flat arrays.
///
/// Built once per table (`init(table:)`); `decide` then allocates nothing. Centroids are stored
/// transposed in blocks of 16 clusters (16 floats at `(b * d + j) * 16` hold dimension j of clusters
/// 16b...16b+15), so one query is scored against 16 centroids per fused multiply-add.
public struct RoutingPolicy: Sendable {
    /// The table's fleet and version.
    public let fleet: String
    public let version: UInt64
    /// The representation dimension d.
    public let dimension: Int
    /// The number of clusters k.
    public let clusterCount: Int
    /// Cluster ids by index.
    public let clusterIDs: [UInt32]

    /// The kernel's floats: `blockCount · d · 16` centroid lanes, then `blockCount · 16` norms ||μ||²
    /// (computed in Double, rounded once; +∞ in padding lanes so they never win), starting at the first
    /// 64-byte boundary of the buffer (`kernelAlignmentSlack` floats of slack). The alignment matters: a
    /// block row split over two cache lines makes every load of the scoring loop a split load, and an
    /// array's elements start wherever the allocator put its header.
    let kernelFloats: ContiguousArray<Float>
    /// The number of 16-cluster blocks.
    let blockCount: Int
    /// The largest ||μ||², for the rounding-error bound of the float32 scores.
    let maxNorm: Float
    /// Row-major centroids in Double, for the exact tie-break.
    let exactCentroids: ContiguousArray<Double>
    /// The int8 screen of a table whose centroids do not fit in L1 (`RoutingScreen`), nil for smaller ones.
    let screen: RoutingScreen?
    @usableFromInline let radius2: ContiguousArray<Float>
    @usableFromInline let deviceThresholds: ContiguousArray<Float>
    @usableFromInline let edgeThresholds: ContiguousArray<Float>
    @usableFromInline let novel: ThresholdPair
    /// Per tier: `lambda_latency * reprefill_ms_per_1k_tokens[t] / 1000 / latency_ref_ms`, so that the
    /// switch margin is `marginPerToken[t] * context_tokens`.
    @usableFromInline let marginPerToken: (device: Float, edge: Float)

    /// Compiles a (valid) table.
    ///
    /// - Complexity: O(k·d).
    public init(table: ThresholdTable) {
        let d = table.dimension
        let k = table.clusters.count
        let blockCount = (k + 15) / 16
        let normsStart = blockCount * d * 16
        let kernelCount = Self.kernelAlignmentSlack + normsStart + blockCount * 16
        var kernel = ContiguousArray<Float>(repeating: 0, count: kernelCount)
        var exact = ContiguousArray<Double>()
        exact.reserveCapacity(k * d)
        var maxNorm: Float = 0
        // Written in place at the buffer's first 64-byte boundary, which `nearestCluster` finds again: the
        // buffer is never mutated afterwards, so it never moves.
        kernel.withUnsafeMutableBufferPointer { buffer in
            let start = Self.aligned(UnsafePointer(buffer.baseAddress!)) - UnsafePointer(buffer.baseAddress!)
            let floats = UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + normsStart + blockCount * 16)])
            for lane in normsStart..<floats.count { floats[lane] = .infinity }
            for (index, cluster) in table.clusters.enumerated() {
                let block = index / 16
                let lane = index % 16
                var norm = 0.0
                for j in 0..<d {
                    let value = cluster.centroid[j]
                    floats[(block * d + j) * 16 + lane] = value
                    exact.append(Double(value))
                    norm += Double(value) * Double(value)
                }
                floats[normsStart + index] = Float(norm)
                maxNorm = max(maxNorm, Float(norm))
            }
        }
        fleet = table.fleet
        version = table.version
        dimension = d
        clusterCount = k
        clusterIDs = table.clusters.map(\.id)
        kernelFloats = kernel
        self.blockCount = blockCount
        self.maxNorm = maxNorm
        exactCentroids = exact
        screen = RoutingScreen(centroids: table.clusters.map(\.centroid), dimension: d)
        radius2 = ContiguousArray(table.clusters.map(\.radius2))
        deviceThresholds = ContiguousArray(table.clusters.map(\.thresholds.device))
        edgeThresholds = ContiguousArray(table.clusters.map(\.thresholds.edge))
        novel = table.novel
        let scale = table.objective.lambdaLatency / 1000 / table.latencyRefMs
        marginPerToken = (
            Float(scale * Double(table.reprefillMsPer1kTokens[0])),
            Float(scale * Double(table.reprefillMsPer1kTokens[1]))
        )
    }

    /// The thresholds of the cluster at `index`.
    public func thresholds(ofClusterAt index: Int) -> ThresholdPair {
        ThresholdPair(device: deviceThresholds[index], edge: edgeThresholds[index])
    }
}

/// What the router decided for one query.
public struct RoutingDecision: Sendable, Equatable {
    /// Index of the nearest centroid in the table's cluster list.
    public var clusterIndex: Int
    /// That cluster's stable id (what telemetry reports).
    public var clusterID: UInt32
    /// Where to serve the query.
    public var tier: Tier
    /// Whether the query was farther than the cluster's radius (the novel thresholds applied).
    public var isNovel: Bool
    /// Squared distance to the nearest centroid.
    public var distance2: Float

    public init(clusterIndex: Int, clusterID: UInt32, tier: Tier, isNovel: Bool, distance2: Float) {
        self.clusterIndex = clusterIndex
        self.clusterID = clusterID
        self.tier = tier
        self.isNovel = isNovel
        self.distance2 = distance2
    }
}

/// The conversation state a multi-turn query carries: where its KV cache lives and how long it is.
public struct TurnContext: Sendable, Equatable {
    /// The tier that served the previous turn.
    public var previousTier: Tier
    /// Tokens of context a move to another tier would re-prefill.
    public var contextTokens: UInt32

    public init(previousTier: Tier, contextTokens: UInt32) {
        self.previousTier = previousTier
        self.contextTokens = contextTokens
    }
}
