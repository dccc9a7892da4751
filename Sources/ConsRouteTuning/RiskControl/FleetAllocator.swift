public import ConsRouteModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds a fleet's candidate threshold tables: each cluster's exact sweep as the inner step, one quality budget
/// for the whole fleet as the outer one.
///
/// The objective is the fleet's (docs/design.md §6.5), normalised by the fleet's all-cloud means rather than each
/// cluster's own (those are undefined or explode on 0/1 correctness where a cluster's cloud is always wrong):
/// `U = Q/Q_cloud - lambda_latency L/L_cloud - lambda_cost C/C_cloud` with the floor `Q/Q_cloud >= q_min`. With
/// the fleet constraint its Lagrangian separates by cluster, so for a multiplier `mu >= 0` every cluster
/// independently takes the grid pair maximising `(1 + mu) Q_c/Q_cloud - lambda_latency L_c/L_cloud -
/// lambda_cost C_c/C_cloud` (exact on the grid, by ``ThresholdCellSums``); `mu` from 0 (no quality constraint)
/// to infinity (the most quality each cluster can give) traces the fleet's quality-cost frontier, and clusters
/// where cheap tiers are good automatically carry those where they are not. Which `mu` is safe is decided on
/// held-out samples by ``RiskControlledSelection``, not here. With the cluster constraint every cluster must
/// clear a common target ratio on its own, and the family runs over that target.
///
/// Each cluster's sums are shrunk toward the fleet's pooled sums by ``ShrinkageStrength``.
public struct FleetAllocator: Sendable {
    /// The threshold grid; nil (the default) fits one of `fittedSteps + 1` values per axis to the predictions of
    /// each call's samples (``ThresholdGrid/fitted(pDevice:pEdge:steps:)``), so the choice does not depend on how the
    /// router head spreads its predictions over [0, 1].
    public var grid: ThresholdGrid?
    /// The intervals per axis of a fitted grid (default ``ThresholdGrid/fittedSteps``).
    public var fittedSteps = ThresholdGrid.fittedSteps
    /// The objective's weights (the penalty is not used: the floor is a constraint).
    public var weights: ObjectiveWeights
    /// Where the floor applies.
    public var constraint: AllocationConstraint
    /// How much clusters borrow from the fleet.
    public var shrinkage: ShrinkageStrength
    /// How each cluster's mean surfaces are read (exact, or GP-smoothed).
    public var engine: SurfaceEngine

    /// Creates an allocator.
    /// - Parameters:
    ///   - grid: the threshold grid (nil: fitted to each call's samples).
    ///   - weights: the objective's weights.
    ///   - constraint: where the floor applies.
    ///   - shrinkage: how much clusters borrow from the fleet.
    ///   - engine: how each cluster's surfaces are read.
    public init(
        grid: ThresholdGrid? = nil,
        weights: ObjectiveWeights,
        constraint: AllocationConstraint = .fleet,
        shrinkage: ShrinkageStrength = .empiricalBayes,
        engine: SurfaceEngine = .exact
    ) {
        self.grid = grid
        self.weights = weights
        self.constraint = constraint
        self.shrinkage = shrinkage
        self.engine = engine
    }

    /// A coarse grid of quality multipliers: 1000 down to 0.0001 (8 per decade), then 0. The family's largest
    /// multiplier is its first (no infinite multiplier: the most-quality member ignores cost even between cells
    /// of equal quality, and at 1000 cost breaks those ties); the family itself runs over ``breakpointLevels(_:)``,
    /// which reach every member this grid reaches.
    static let multipliers: [Double] = (0...56).map { j in pow(10, 3 - Double(j) / 8) } + [0]

    /// The quality multipliers of the fleet family: one between every two consecutive multipliers at which some
    /// cluster's choice changes (each cluster's breakpoints are the slopes of its frontier's upper concave hull in
    /// (cost, quality)), so consecutive members differ in one cluster's pair; plus 0 and the largest of
    /// ``multipliers``. Every member the coarse grid of ``multipliers`` reaches is among them, and none is skipped
    /// where a step of that grid would switch several clusters at once (on 0/1 outcomes a switch of a few large
    /// clusters moved the fleet's quality ratio by 0.03, more than the whole margin the bound leaves).
    static func breakpointLevels(_ prepared: Prepared) -> [Double] {
        let top = multipliers[0]
        var breakpoints: [Double] = []
        for (s, frontier) in prepared.frontiers {
            guard let mean = prepared.means[s] else { continue }
            let reference = prepared.reference.x
            // The upper concave hull of the frontier's (cost, quality) points, cheapest first.
            var hull: [(cost: Double, quality: Double)] = []
            for cell in frontier.cells {
                let point = (cost: frontier.cost[cell], quality: mean.cells[cell].x)
                while hull.count >= 2 {
                    let a = hull[hull.count - 2]
                    let b = hull[hull.count - 1]
                    // b is under the chord from a to the new point: not on the hull.
                    let cross =
                        (b.cost - a.cost) * (point.quality - a.quality)
                        - (b.quality - a.quality) * (point.cost - a.cost)
                    if cross >= 0 { hull.removeLast() } else { break }
                }
                hull.append(point)
            }
            for (a, b) in zip(hull, hull.dropFirst()) where b.quality > a.quality {
                let multiplier = reference * (b.cost - a.cost) / (b.quality - a.quality) - 1
                if multiplier > 0, multiplier < top { breakpoints.append(multiplier) }
            }
        }
        breakpoints.sort()
        var levels: [Double] = [top]
        var previous = top
        for breakpoint in breakpoints.reversed() where breakpoint < previous * (1 - 1e-9) {
            levels.append((breakpoint * previous).squareRoot())
            previous = breakpoint
        }
        levels.append(breakpoints.first.map { $0 / 2 } ?? 0)
        levels.append(0)
        return levels
    }

    /// The per-cluster targets of the cluster family, safest first: 1.25 down to `q_min - 0.1` by 0.005.
    func clusterTargets() -> [Double] {
        let lowest = max(0, weights.qualityMin - 0.1)
        return stride(from: 1.25, through: lowest, by: -0.005).map { $0 }
    }

    /// Each tuned stratum's shrunk mean surfaces on one grid, with the fleet reference and the shrinkage used.
    struct Prepared {
        var grid: ThresholdGrid
        var means: [Int: (cells: [SIMD4<Double>], cloud: SIMD4<Double>)]
        var frontiers: [Int: Frontier] = [:]
        var reference: SIMD4<Double>
        var priorSamples: Double
    }

    /// Sums, shrinks (and, for the GP engine, smooths) every tuned stratum's surfaces.
    func prepare(_ strata: [FleetStratum]) -> Prepared {
        let tuned = strata.indices.filter { strata[$0].fixed == nil }
        let grid = self.grid ?? fittedGrid(tuned.map { strata[$0].samples })
        var sums: [Int: ThresholdCellSums] = [:]
        for s in tuned { sums[s] = ThresholdCellSums(strata[s].samples, grid: grid) }
        let reference = Self.reference(strata)
        let priorSamples: Double
        switch shrinkage {
        case .fixed(let n0): priorSamples = n0
        case .empiricalBayes:
            priorSamples = Self.empiricalBayesPriorSamples(tuned.map { strata[$0].samples }, reference, weights)
        }
        let cells = grid.count * grid.count
        var pooled = [SIMD4<Double>](repeating: SIMD4(), count: cells)
        var pooledCloud = SIMD4<Double>()
        var pooledCount = 0
        for sum in sums.values {
            for i in 0..<cells { pooled[i] += sum.totals[i] }
            pooledCloud += sum.cloud
            pooledCount += sum.count
        }
        if pooledCount > 0 {
            let n = Double(pooledCount)
            for i in 0..<cells { pooled[i] /= n }
            pooledCloud /= n
        }
        var means: [Int: (cells: [SIMD4<Double>], cloud: SIMD4<Double>)] = [:]
        guard pooledCount > 0 else {
            return Prepared(grid: grid, means: means, reference: reference, priorSamples: priorSamples)
        }
        for s in tuned {
            let sum = sums[s]!
            let denominator = Double(sum.count) + priorSamples
            if denominator <= 0 {
                means[s] = (pooled, pooledCloud)
            } else {
                let own = sum.totals
                var shrunk = (0..<cells).map { (own[$0] + priorSamples * pooled[$0]) / denominator }
                if engine == .gaussianProcess {
                    shrunk = SurfaceSmoothing.smoothed(shrunk, samples: strata[s].samples, grid: grid)
                }
                means[s] = (shrunk, (sum.cloud + priorSamples * pooledCloud) / denominator)
            }
        }
        var prepared = Prepared(grid: grid, means: means, reference: reference, priorSamples: priorSamples)
        for (s, mean) in means {
            prepared.frontiers[s] = Frontier(
                mean.cells,
                lambdaLatency: weights.lambdaLatency / reference.y,
                lambdaCost: weights.lambdaCost / reference.z
            )
        }
        return prepared
    }

    /// Every stratum's pair at one family level, and the member's estimated latency-and-cost term
    /// `sum_s share_s (lambda_latency L_s/L_cloud + lambda_cost C_s/C_cloud)` on the strata's own samples.
    func member(_ strata: [FleetStratum], _ prepared: Prepared, level: Double) -> (pairs: [ThresholdPair], cost: Double)
    {
        let shareTotal = max(strata.reduce(0) { $0 + $1.share }, .leastNonzeroMagnitude)
        var cost = 0.0
        let pairs = strata.indices.map { s -> ThresholdPair in
            if let fixed = strata[s].fixed { return fixed }
            guard let mean = prepared.means[s], let frontier = prepared.frontiers[s] else {
                return ThresholdPair(device: 1, edge: 1)
            }
            let cell = choose(
                mean.cells,
                frontier: frontier,
                cloud: mean.cloud,
                level: level,
                reference: prepared.reference,
                grid: prepared.grid
            )
            let m = mean.cells[cell]
            cost +=
                strata[s].share / shareTotal
                * (weights.lambdaLatency * m.y / prepared.reference.y + weights.lambdaCost * m.z / prepared.reference.z)
            return prepared.grid.pair(cell)
        }
        return (pairs, cost)
    }

    /// The candidate policies for `strata`, safest first: all-cloud routing (which meets any floor `<= 1` by
    /// construction), then the allocation's members from the dearest to the cheapest (by their latency-and-cost
    /// term on the strata's samples), with ``steps(from:to:_:_:)`` between consecutive ones so that each member
    /// differs from the one before in one cluster's pair; duplicates are dropped.
    ///
    /// Ordering by cost rather than by the multiplier matters for 0/1 scores: the members with the largest
    /// multipliers chase the most quality on the samples they were chosen on, which on few samples per cluster is
    /// mostly noise, so out of sample they can be worse than the cloud; tested first, they would stop the
    /// fixed-sequence test before it reached the members that save money for real.
    /// - Complexity: O(n + members · clusters · G²).
    public func family(_ strata: [FleetStratum]) -> AllocationFamily {
        let prepared = prepare(strata)
        let levels = constraint == .fleet ? Self.breakpointLevels(prepared) : clusterTargets()
        var candidates = levels.map { level in (member: member(strata, prepared, level: level), level: level) }
        candidates.sort { $0.member.cost > $1.member.cost }
        // All-cloud within the tables' [0, 1] range: only a prediction of exactly 1 leaves the cloud, and the bound
        // is checked on what the pair really does.
        let allCloud = strata.map { $0.fixed ?? ThresholdPair(device: 1, edge: 1) }
        var members: [[ThresholdPair]] = [allCloud]
        var memberLevels: [Double] = [.infinity]
        var seen: Set<[ThresholdPair]> = [allCloud]
        for candidate in candidates where seen.insert(candidate.member.pairs).inserted {
            for step in steps(from: members[members.count - 1], to: candidate.member.pairs, strata, prepared)
            where seen.insert(step).inserted {
                members.append(step)
                memberLevels.append(candidate.level)
            }
            members.append(candidate.member.pairs)
            memberLevels.append(candidate.level)
        }
        return AllocationFamily(
            members: members,
            levels: memberLevels,
            priorSampleCount: prepared.priorSamples,
            reference: prepared.reference
        )
    }

    /// The most intermediate frontier cells a cluster steps through between two members (16 measured 0.003 less
    /// latency ratio on `llm-benchmarks.yaml` and made a tuning 3.7 times slower in a debug build).
    static let maximumStepsPerCluster = 4

    /// The members between two consecutive members `from` and `to` of the family (exclusive): the clusters whose
    /// pairs differ change one at a time, the smallest traffic share first, and each passes through the frontier
    /// cells between its two pairs (at most ``maximumStepsPerCluster``, evenly spaced), dearest first.
    ///
    /// Without them one step of the family can move half the fleet's traffic: from all-cloud routing to the first
    /// allocation member (on 0/1 outcomes every cluster's most-quality cell on its own samples already sends much
    /// to the device), or a cluster from one vertex of its frontier's concave hull to the next. The
    /// risk-controlled selection stops where the bound fails, so the choice can only be as fine as these steps:
    /// measured on `llm-benchmarks.yaml`, a bootstrap table stayed all-cloud because the first member after it
    /// already failed.
    func steps(
        from: [ThresholdPair],
        to: [ThresholdPair],
        _ strata: [FleetStratum],
        _ prepared: Prepared
    ) -> [[ThresholdPair]] {
        let changed = strata.indices.filter { from[$0] != to[$0] }.sorted {
            strata[$0].share != strata[$1].share ? strata[$0].share < strata[$1].share : $0 < $1
        }
        var current = from
        var result: [[ThresholdPair]] = []
        for s in changed {
            if let frontier = prepared.frontiers[s] {
                let high = frontier.cost[prepared.grid.cell(of: from[s])]
                let low = frontier.cost[prepared.grid.cell(of: to[s])]
                // Frontier cells strictly between the two costs, dearest first.
                let between = frontier.cells.filter { frontier.cost[$0] < high && frontier.cost[$0] > low }.reversed()
                let picked = Array(between)
                let count = min(picked.count, Self.maximumStepsPerCluster)
                for j in 0..<count {
                    let index = count == picked.count ? j : (j * picked.count) / count
                    current[s] = prepared.grid.pair(picked[index])
                    result.append(current)
                }
            }
            current[s] = to[s]
            result.append(current)
        }
        // The last step is `to` itself.
        if !result.isEmpty { result.removeLast() }
        return result
    }

    /// The grid fitted to the tuned strata's pooled predictions.
    func fittedGrid(_ samples: [ShadowSamples]) -> ThresholdGrid {
        ThresholdGrid.fitted(pDevice: samples.flatMap(\.pDevice), pEdge: samples.flatMap(\.pEdge), steps: fittedSteps)
    }

    /// In hindsight, on the very samples judged: the fleet-constraint member whose point-estimate quality ratio on
    /// `evaluation` just clears `floor`, by bisection on the multiplier (all-cloud when even the most quality
    /// misses it). What the baselines use; no bound.
    /// - Complexity: O(n + 40 · clusters · G²).
    public func hindsight(_ strata: [FleetStratum], on evaluation: CalibrationSet, floor: Double) -> [ThresholdPair] {
        let prepared = prepare(strata)
        func quality(_ pairs: [ThresholdPair]) -> Double {
            evaluation.estimate(
                tiers: RiskControlledSelection.tiers(evaluation, pairs),
                weights: weights,
                alpha: 0.5,
                withRatioBound: false
            ).qualityRatio
        }
        func pairs(atLogMultiplier x: Double) -> [ThresholdPair] {
            member(strata, prepared, level: pow(10, x)).pairs
        }
        let cheapest = member(strata, prepared, level: 0).pairs
        if quality(cheapest) >= floor { return cheapest }
        var low = -6.0
        var high = 6.0
        var best = member(strata, prepared, level: .infinity).pairs
        guard quality(best) >= floor else { return strata.map { $0.fixed ?? ThresholdPair(device: 1, edge: 1) } }
        if quality(pairs(atLogMultiplier: high)) >= floor { best = pairs(atLogMultiplier: high) } else { return best }
        for _ in 0..<30 {
            let middle = (low + high) / 2
            let candidate = pairs(atLogMultiplier: middle)
            if quality(candidate) >= floor {
                best = candidate
                high = middle
            } else {
                low = middle
            }
        }
        return best
    }

    /// One cluster's pair at one family level.
    /// One stratum's surface prepared for choosing at many levels: each cell's latency-and-cost term, and the
    /// cells on the quality/cost frontier (no other cell has at least their quality for at most their cost), each
    /// standing for the lowest-index cell with the same quality and cost.
    struct Frontier {
        var cost: [Double]
        var cells: [Int]
        var bestQuality: Double

        init(_ means: [SIMD4<Double>], lambdaLatency: Double, lambdaCost: Double) {
            cost = means.map { lambdaLatency * $0.y + lambdaCost * $0.z }
            let cost = cost
            // Cheapest first; for equal cost the better quality, then the lower index.
            let order = means.indices.sorted { a, b in
                if cost[a] != cost[b] { return cost[a] < cost[b] }
                if means[a].x != means[b].x { return means[a].x > means[b].x }
                return a < b
            }
            var cells: [Int] = []
            var best = -Double.infinity
            for index in order {
                let quality = means[index].x
                if quality > best {
                    cells.append(index)
                    best = quality
                } else if quality == best, let last = cells.last, cost[last] == cost[index], index < last {
                    cells[cells.count - 1] = index
                }
            }
            self.cells = cells
            bestQuality = best
        }
    }

    /// One cluster's cell at one family level: the maximum of the level's value, which a frontier cell always
    /// attains (any other cell is matched or beaten by one), the lowest-index such cell, then the middle of its
    /// plateau along tDevice and then along tEdge (``UtilitySurface/bestCell()``'s rule).
    private func choose(
        _ cells: [SIMD4<Double>],
        frontier: Frontier,
        cloud: SIMD4<Double>,
        level: Double,
        reference: SIMD4<Double>,
        grid: ThresholdGrid
    ) -> Int {
        let qualityTolerance = 1e-12 * max(1, abs(frontier.bestQuality))
        let qualityWeight: Double
        let floor: Double  // cells below it are infeasible
        switch constraint {
        case .fleet:
            qualityWeight = level.isInfinite ? 0 : (1 + level) / reference.x
            floor = level.isInfinite ? frontier.bestQuality - qualityTolerance : -.infinity
        case .cluster:
            qualityWeight = 1 / reference.x
            let target = level * cloud.x - 1e-12
            floor = frontier.bestQuality >= target ? target : frontier.bestQuality - qualityTolerance
        }
        let cost = frontier.cost
        func value(_ i: Int) -> Double {
            cells[i].x >= floor ? qualityWeight * cells[i].x - cost[i] : -.infinity
        }
        var best = frontier.cells[0]
        var bestValue = value(best)
        for index in frontier.cells.dropFirst() {
            let v = value(index)
            if v > bestValue || (v == bestValue && index < best) {
                bestValue = v
                best = index
            }
        }
        let g = grid.count
        func middle(of start: Int, _ at: (Int) -> Int) -> Int {
            var low = start
            var high = start
            while low > 0, value(at(low - 1)) == bestValue { low -= 1 }
            while high + 1 < g, value(at(high + 1)) == bestValue { high += 1 }
            return low + (high - low) / 2
        }
        let column = best % g
        let row = middle(of: best / g) { $0 * g + column }
        return row * g + middle(of: column) { row * g + $0 }
    }

    /// The fleet's all-cloud means of score, latency and cost under the strata's traffic shares (each stratum's own
    /// mean, or the pooled one without samples); 1 for a metric whose mean is 0.
    static func reference(_ strata: [FleetStratum]) -> SIMD4<Double> {
        var pooled = SIMD4<Double>()
        var pooledCount = 0
        var perStratum: [SIMD4<Double>?] = []
        for stratum in strata {
            let samples = stratum.samples
            var total = SIMD4<Double>()
            for i in 0..<samples.count {
                total += SIMD4(
                    Double(samples.score.cloud[i]),
                    Double(samples.latency.cloud[i]),
                    Double(samples.cost.cloud[i]),
                    0
                )
            }
            pooled += total
            pooledCount += samples.count
            perStratum.append(samples.isEmpty ? nil : total / Double(samples.count))
        }
        let pooledMean = pooledCount > 0 ? pooled / Double(pooledCount) : SIMD4(1, 1, 1, 0)
        let shares = strata.map(\.share)
        let shareTotal = shares.reduce(0, +)
        var mix = SIMD4<Double>()
        for (index, mean) in perStratum.enumerated() {
            let share = shareTotal > 0 ? shares[index] / shareTotal : 1 / Double(strata.count)
            mix += share * (mean ?? pooledMean)
        }
        return SIMD4(mix.x > 0 ? mix.x : 1, mix.y > 0 ? mix.y : 1, mix.z > 0 ? mix.z : 1, 0)
    }

    /// The empirical-Bayes `n0`: within-cluster over between-cluster variance of the per-sample gain of routing to
    /// the device (and to the edge) instead of the cloud, by the one-way random-effects ANOVA estimator.
    static func empiricalBayesPriorSamples(
        _ clusters: [ShadowSamples],
        _ reference: SIMD4<Double>,
        _ weights: ObjectiveWeights
    ) -> Double {
        let groups = clusters.filter { !$0.isEmpty }
        let total = groups.reduce(0) { $0 + $1.count }
        guard groups.count >= 2, total > groups.count else { return groups.count < 2 ? 0 : 2 }
        var within = 0.0
        var between = 0.0
        for tier in [Tier.device, .edge] {
            var means: [Double] = []
            var sumSquaresWithin = 0.0
            for samples in groups {
                var gains = [Double](repeating: 0, count: samples.count)
                for i in 0..<samples.count {
                    gains[i] =
                        Double(samples.score.value(tier, at: i) - samples.score.cloud[i]) / reference.x
                        - weights.lambdaLatency * Double(samples.latency.value(tier, at: i) - samples.latency.cloud[i])
                        / reference.y
                        - weights.lambdaCost * Double(samples.cost.value(tier, at: i) - samples.cost.cloud[i])
                        / reference.z
                }
                let mean = gains.reduce(0, +) / Double(gains.count)
                means.append(mean)
                sumSquaresWithin += gains.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            }
            let n = Double(total)
            let k = Double(groups.count)
            let grand = zip(groups, means).reduce(0) { $0 + Double($1.0.count) * $1.1 } / n
            let sumSquaresBetween = zip(groups, means).reduce(0) {
                $0 + Double($1.0.count) * ($1.1 - grand) * ($1.1 - grand)
            }
            let meanSquareWithin = sumSquaresWithin / (n - k)
            let effectiveSize = (n - groups.reduce(0) { $0 + Double($1.count * $1.count) } / n) / (k - 1)
            within += meanSquareWithin
            between += max(0, (sumSquaresBetween / (k - 1) - meanSquareWithin) / effectiveSize)
        }
        guard between > 0 else { return ShrinkageStrength.maximumPriorSamples }
        return min(ShrinkageStrength.maximumPriorSamples, within / between)
    }
}
