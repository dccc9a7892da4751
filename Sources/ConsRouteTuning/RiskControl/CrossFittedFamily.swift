public import ConsRouteModel

/// Candidates for ``RiskControlledSelection`` checked by cross-fitting, so that the bound uses every sample
/// instead of a held-out part.
///
/// Each stratum's samples are halved at random; the allocator builds a family on each half and one on all the
/// samples. A member of a family is indexed by its latency-and-cost term `lambda_latency L/L_cloud + lambda_cost
/// C/C_cloud` on the samples it was built from. At the level of each member of the whole-sample family, every sample
/// is routed by the member of the *other* half's family at that level (the first, dearest first, whose term is at
/// most the level), so no sample judges a member built from it; the selection's test then runs on all samples at
/// once. The table chosen is the whole-sample member at the level that passed.
///
/// What the bound covers: the fleet quality ratio of a table built from half the samples at that cost level, which
/// the whole-sample member (built from twice the samples at the same level) is expected to meet or beat; it is not
/// the finite-sample statement of a single split. Its coverage is measured (`FleetAllocatorTests`) as the split's is.
public struct CrossFittedFamily: Sendable {
    /// The random halving of every stratum's samples, and every sample in a seeded random order: what the
    /// candidates are checked on. Made before the families, so that the table in force can be measured on the same
    /// samples first (its figures decide the step limit the families get).
    public struct Halving: Sendable {
        /// Every sample, in a seeded random order, weighted to the strata's shares.
        public let calibration: CalibrationSet
        /// For each position of `calibration`, its stratum and its index among that stratum's samples.
        public let order: [(stratum: Int, index: Int)]
        let folds: [Int]
        let strata: [FleetStratum]
        let halves: [[FleetStratum]]

        /// Halves each stratum's samples at random.
        /// - Parameters:
        ///   - strata: every sample of each stratum, its share, fixed thresholds for the novel queries.
        ///   - bound: the calibration set's bound.
        ///   - within: per stratum, each sample's weight within it (mean 1; ``CalibrationSet/within``); nil: all 1.
        ///   - generator: the halving and the order.
        public init(
            strata: [FleetStratum],
            bound: ConfidenceBound,
            within: [[Double]]? = nil,
            using generator: inout SeededGenerator
        ) {
            var halves: [[FleetStratum]] = [strata, strata]
            var order: [(stratum: Int, index: Int, fold: Int)] = []
            for (s, stratum) in strata.enumerated() {
                let shuffled = Array(0..<stratum.samples.count).shuffled(using: &generator)
                var parts: [[Int]] = [[], []]
                for (position, i) in shuffled.enumerated() {
                    parts[position % 2].append(i)
                    order.append((s, i, position % 2))
                }
                for f in 0..<2 { halves[f][s].samples = stratum.samples.subset(parts[f].sorted()) }
            }
            order.shuffle(using: &generator)
            var offsets: [Int] = []
            var total = 0
            for stratum in strata {
                offsets.append(total)
                total += stratum.samples.count
            }
            let all = ShadowSamples.pooled(strata.map(\.samples)).subset(order.map { offsets[$0.stratum] + $0.index })
            calibration = CalibrationSet(
                samples: all,
                stratum: order.map(\.stratum),
                shares: strata.map(\.share),
                bound: bound,
                within: within.map { weights in order.map { weights[$0.stratum][$0.index] } }
            )
            self.order = order.map { ($0.stratum, $0.index) }
            folds = order.map(\.fold)
            self.strata = strata
            self.halves = halves
        }
    }

    /// The whole-sample family (after the caller's step limit), safest first.
    public let family: AllocationFamily
    /// The whole-sample family's members before the step limit.
    public let unlimited: [[ThresholdPair]]
    /// The halving the members are checked on.
    public let halving: Halving
    /// Every sample, as ``Halving/calibration``.
    public var calibration: CalibrationSet { halving.calibration }
    private let tiersByMember: [[ThresholdPair]: [Tier]]

    /// Builds the three families and the cross-fitted routing of every member.
    /// - Parameters:
    ///   - halving: the samples and their halves.
    ///   - allocator: builds each family.
    ///   - limit: applied to each family's members (the per-step limit), identity by default.
    public init(
        halving: Halving,
        allocator: FleetAllocator,
        limit: ([[ThresholdPair]]) -> [[ThresholdPair]] = { $0 }
    ) {
        let whole = allocator.family(halving.strata)
        var family = whole
        family.members = limit(whole.members)
        let folds = halving.halves.map { half in limit(allocator.family(half).members) }
        let shares = halving.strata.map(\.share)
        let bound = halving.calibration.bound
        let weights = allocator.weights
        func spends(_ members: [[ThresholdPair]], _ samples: [FleetStratum]) -> [Double] {
            var stratum: [Int] = []
            for (s, part) in samples.enumerated() { stratum += Array(repeating: s, count: part.samples.count) }
            guard !stratum.isEmpty else { return members.map { _ in 0 } }
            let set = CalibrationSet(
                samples: ShadowSamples.pooled(samples.map(\.samples)),
                stratum: stratum,
                shares: shares,
                bound: bound
            )
            return members.map { pairs in
                let e = set.estimate(
                    tiers: RiskControlledSelection.tiers(set, pairs),
                    weights: weights,
                    alpha: 0.5,
                    withRatioBound: false
                )
                return weights.lambdaLatency * e.latencyRatio + weights.lambdaCost * e.costRatio
            }
        }
        let levels = spends(family.members, halving.strata)
        let foldSpends = (0..<2).map { spends(folds[$0], halving.halves[$0]) }
        let samples = halving.calibration.samples
        var tiersByMember: [[ThresholdPair]: [Tier]] = [:]
        for (m, pairs) in family.members.enumerated() where tiersByMember[pairs] == nil {
            // A sample of half f is judged by the other half's member at this level.
            let judges = (0..<2).map { f -> [ThresholdPair] in
                let other = 1 - f
                let i = foldSpends[other].firstIndex { $0 <= levels[m] + 1e-12 } ?? (folds[other].count - 1)
                return folds[other][i]
            }
            tiersByMember[pairs] = halving.order.indices.map { position in
                judges[halving.folds[position]][halving.order[position].stratum].tier(
                    pDevice: samples.pDevice[position],
                    pEdge: samples.pEdge[position]
                )
            }
        }
        self.family = family
        self.unlimited = whole.members
        self.halving = halving
        self.tiersByMember = tiersByMember
    }

    /// The tiers every calibration sample gets at a member's level (routed by the other half's member).
    public func tiers(of member: [ThresholdPair]) -> [Tier] {
        tiersByMember[member] ?? RiskControlledSelection.tiers(calibration, member)
    }

    /// Tests the members in order with `selection`, each on the cross-fitted routing.
    public func select(
        _ selection: RiskControlledSelection,
        alsoRequiring extra: (([Tier]) -> Bool)? = nil
    ) -> RiskControlledSelection.Choice {
        selection.select(family, on: calibration, alsoRequiring: extra) { tiers(of: $0) }
    }
}
