public import ConsRouteModel

/// For every pair of a threshold grid, the summed score, latency and cost of the tiers one set of shadow samples
/// would be routed to: the exact sweep's building block, shared by ``ExactSweepOptimizer`` and ``FleetAllocator``.
///
/// Each sample has a device rank `A` (grid values `<= pDevice`) and an edge rank `B`. At grid cell `(a, b)` it
/// goes to the device iff `a < A`, else to the edge iff `b < B`, else to the cloud. So for each metric `m` the
/// routed total is `sum_{A > a} m_device + sum_{A <= a} m_cloud + sum_{A <= a, B > b} (m_edge - m_cloud)`: a
/// suffix sum, a prefix sum and a 2-D cumulative sum over a `(G+1) x (G+1)` histogram.
public struct ThresholdCellSums: Sendable {
    /// The grid both axes use.
    public let grid: ThresholdGrid
    /// The number of samples summed.
    public let count: Int
    /// Per cell, row-major (row = `tDevice` index): the routed totals (x score, y latency, z cost; w unused).
    public let totals: [SIMD4<Double>]
    /// The totals when every sample goes to the cloud (x score, y latency, z cost).
    public let cloud: SIMD4<Double>

    /// Sums `samples` on `grid` (an empty set gives zero everywhere).
    /// - Complexity: O(n + G²).
    public init(_ samples: ShadowSamples, grid: ThresholdGrid) {
        let g = grid.count
        let n = samples.count
        func metrics(_ tier: Tier, _ i: Int) -> SIMD4<Double> {
            SIMD4(
                Double(samples.score.value(tier, at: i)),
                Double(samples.latency.value(tier, at: i)),
                Double(samples.cost.value(tier, at: i)),
                0
            )
        }
        // Samples bucketed by device rank A (counting sort), with their edge rank B.
        let deviceRank = samples.pDevice.map(grid.deviceRank(of:))
        var bucketStart = [Int](repeating: 0, count: g + 2)
        for a in deviceRank { bucketStart[a + 1] += 1 }
        for a in 0...g { bucketStart[a + 1] += bucketStart[a] }
        var order = [Int](repeating: 0, count: n)
        var fill = bucketStart
        for (i, a) in deviceRank.enumerated() {
            order[fill[a]] = i
            fill[a] += 1
        }
        var deviceAbove = SIMD4<Double>()  // sum over A > a of the device metrics
        var cloudTotal = SIMD4<Double>()
        for i in 0..<n {
            deviceAbove += metrics(.device, i)
            cloudTotal += metrics(.cloud, i)
        }
        var cloudAtOrBelow = SIMD4<Double>()  // sum over A <= a of the cloud metrics
        var edgeGainByRank = [SIMD4<Double>](repeating: SIMD4(), count: g + 1)  // sum over A <= a, per B
        var totals = [SIMD4<Double>](repeating: SIMD4(), count: g * g)
        for a in 0..<g {
            for position in bucketStart[a]..<bucketStart[a + 1] {
                let i = order[position]
                let cloud = metrics(.cloud, i)
                deviceAbove -= metrics(.device, i)
                cloudAtOrBelow += cloud
                edgeGainByRank[grid.edgeRank(of: samples.pEdge[i])] += metrics(.edge, i) - cloud
            }
            var edgeAbove = SIMD4<Double>()  // sum over A <= a, B > b of (edge - cloud)
            for b in stride(from: g - 1, through: 0, by: -1) {
                edgeAbove += edgeGainByRank[b + 1]
                totals[a * g + b] = deviceAbove + cloudAtOrBelow + edgeAbove
            }
        }
        self.grid = grid
        self.count = n
        self.totals = totals
        self.cloud = cloudTotal
    }

    /// The thresholds of cell `index` (row-major).
    @inline(__always)
    public func pair(_ index: Int) -> ThresholdPair {
        grid.pair(index)
    }
}
