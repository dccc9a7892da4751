/// The exact engine: the objective at every pair of a threshold grid, by 2-D prefix sums.
///
/// Each sample has a device rank `A` (grid values `<= pDevice`) and an edge rank `B`. At grid
/// cell `(a, b)` it goes to the device iff `a < A`, else to the edge iff `b < B`, else to the
/// cloud. So for each metric `m` (score, latency, cost) the routed total is
/// `sum_{A > a} m_device + sum_{A <= a} m_cloud + sum_{A <= a, B > b} (m_edge - m_cloud)`:
/// a suffix sum, a prefix sum and a 2-D cumulative sum over a `(G+1) x (G+1)` histogram.
/// U is then evaluated in `Double` at all `G²` cells. With full-information shadow samples the
/// result is exact on the grid: no sampling, no model.
public struct ExactSweepOptimizer: ThresholdOptimizer {
    /// The grid swept (default: the W3 grid of 201 values per axis).
    public let grid: ThresholdGrid

    /// `"exact-sweep"`.
    public var name: String { "exact-sweep" }

    /// Creates the sweep.
    /// - Parameter grid: the grid to sweep.
    public init(grid: ThresholdGrid = .w3) {
        self.grid = grid
    }

    /// The grid optimum (the middle of its plateau, ``UtilitySurface/bestCell()``).
    /// `warmStart` is ignored: the sweep is exhaustive.
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)``, ``ThresholdTuningError/zeroCloudReference(metric:)``.
    /// - Complexity: O(n + G²) for a grid of G values per axis.
    public func optimize(
        _ samples: ShadowSamples,
        weights: ObjectiveWeights,
        warmStart: [ThresholdTrial]
    ) throws -> ThresholdOptimization {
        let surface = try surface(samples, weights: weights)
        let cell = surface.bestCell()
        let pair = ThresholdPair(tDevice: grid.value(cell.row), tEdge: grid.value(cell.column))
        let outcome = try PolicyEvaluator.evaluate(pair, on: samples)
        let utility = outcome.utility(weights)
        return ThresholdOptimization(
            engine: name,
            pair: pair,
            utility: utility,
            outcome: outcome,
            trials: [ThresholdTrial(pair: pair, utility: utility, qualityRatio: outcome.qualityRatio)]
        )
    }

    /// The objective at every grid pair.
    /// - Parameters:
    ///   - samples: the cluster's shadow samples.
    ///   - weights: the objective weights.
    /// - Throws: ``ThresholdTuningError/emptySamples(context:)``, ``ThresholdTuningError/zeroCloudReference(metric:)``.
    /// - Complexity: O(n + G²).
    public func surface(_ samples: ShadowSamples, weights: ObjectiveWeights) throws -> UtilitySurface {
        try samples.requireNonEmpty("the exact sweep")
        let g = grid.count
        let n = samples.count
        // Per sample, the metrics (score, latency, cost) of each tier as one vector.
        func metrics(_ tier: ServingTier, _ i: Int) -> SIMD4<Double> {
            SIMD4(
                Double(samples.score.value(tier, at: i)),
                Double(samples.latency.value(tier, at: i)),
                Double(samples.cost.value(tier, at: i)),
                0
            )
        }
        // Samples bucketed by device rank A (counting sort), with their edge rank B.
        let deviceRank = samples.pDevice.map(grid.rank(of:))
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
        for (metric, total) in zip(["score", "latency", "cost"], [cloudTotal.x, cloudTotal.y, cloudTotal.z])
        where total <= 0 {
            throw ThresholdTuningError.zeroCloudReference(metric: metric)
        }
        let count = Double(n)
        let cloudMean = cloudTotal / count
        var cloudAtOrBelow = SIMD4<Double>()  // sum over A <= a of the cloud metrics
        var edgeGainByRank = [SIMD4<Double>](repeating: SIMD4(), count: g + 1)  // sum over A <= a, per B
        var row = [SIMD4<Double>](repeating: SIMD4(), count: g)
        var values = [Double](repeating: 0, count: g * g)
        for a in 0..<g {
            for position in bucketStart[a]..<bucketStart[a + 1] {
                let i = order[position]
                let cloud = metrics(.cloud, i)
                deviceAbove -= metrics(.device, i)
                cloudAtOrBelow += cloud
                edgeGainByRank[grid.rank(of: samples.pEdge[i])] += metrics(.edge, i) - cloud
            }
            var edgeAbove = SIMD4<Double>()  // sum over A <= a, B > b of (edge - cloud)
            for b in stride(from: g - 1, through: 0, by: -1) {
                edgeAbove += edgeGainByRank[b + 1]
                row[b] = deviceAbove + cloudAtOrBelow + edgeAbove
            }
            for b in 0..<g {
                let mean = row[b] / count
                values[a * g + b] = weights.utility(
                    qualityRatio: mean.x / cloudMean.x,
                    latencyRatio: mean.y / cloudMean.y,
                    costRatio: mean.z / cloudMean.z
                )
            }
        }
        return UtilitySurface(grid: grid, values: values)
    }
}
