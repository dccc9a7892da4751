import ConsRouteModel
import ConsRouteTuning
import Dispatch

extension FleetTuner {
    /// The cross-fitted selection (`crossFit`, ``CrossFittedFamily``): every sample checks candidates built from
    /// the other half of its cluster's samples; the table is the whole-sample member at the level that passed.
    func crossFitted(
        clustering: ClusteringProposal,
        shadow: ShadowSampleWindow,
        collected: [[CollectedSample]],
        shares: [Double],
        previous: ThresholdTable?,
        severe: Bool,
        start: UInt64
    ) -> ThresholdProposal {
        let weights = objective
        var generator = SeededGenerator(seed: settings.seed)
        let novelPair = settings.novelThresholds
        let strata = collected.enumerated().map { index, group in
            FleetStratum(
                samples: Self.samples(group.map(\.sample)),
                share: shares[index],
                fixed: index == clustering.clusterCount ? novelPair : nil
            )
        }
        let allocator = FleetAllocator(
            weights: weights,
            constraint: settings.constraint,
            shrinkage: settings.shrinkage,
            engine: settings.engine == .bayesian ? .gaussianProcess : .exact
        )
        // The table in force on every sample (all-cloud before the first table): the step limit applies only
        // while it clears the floor. It does not depend on the halving, so it is measured on the whole sample.
        var order: [(stratum: Int, index: Int)] = []
        for (s, group) in collected.enumerated() { order += group.indices.map { (s, $0) } }
        let whole = CalibrationSet(
            samples: ShadowSamples.pooled(strata.map(\.samples)),
            stratum: order.map(\.stratum),
            shares: shares,
            bound: settings.bound
        )
        let inForce = whole.estimate(
            tiers: previous == nil
                ? Array(repeating: .cloud, count: whole.count)
                : order.map {
                    collected[$0.stratum][$0.index].previousTier
                },
            weights: weights,
            alpha: settings.alpha
        )
        let limited = !severe && previous != nil && inForce.clearsFloor
        let cross = CrossFittedFamily(
            strata: strata,
            allocator: allocator,
            bound: settings.bound,
            limit: { members in
                guard limited, let previous else { return members }
                return self.limitSteps(members, ids: clustering.ids, previous: previous).0
            },
            using: &generator
        )
        let calibration = cross.calibration
        let family = cross.family
        let clampedClusters =
            limited && previous != nil
            ? limitSteps(cross.unlimited, ids: clustering.ids, previous: previous!).1
            : Array(repeating: [], count: family.members.count)
        let current = calibration.estimate(
            tiers: previous == nil
                ? Array(repeating: .cloud, count: calibration.count)
                : cross.order.map { collected[$0.stratum][$0.index].previousTier },
            weights: weights,
            alpha: settings.alpha
        )
        let cloudLeaning =
            previous == nil
            ? calibration.estimate(
                tiers: (0..<calibration.count).map {
                    novelPair.tier(pDevice: calibration.samples.pDevice[$0], pEdge: calibration.samples.pEdge[$0])
                },
                weights: weights,
                alpha: settings.alpha
            ) : nil
        var selection = RiskControlledSelection(
            alpha: settings.alpha,
            weights: weights,
            failuresAllowed: settings.failuresAllowed
        )
        selection.windowEvents = settings.windowEvents
        let choice = cross.select(selection)
        let chosen = choice.member ?? 0
        let verdict = Self.verdict(
            choice,
            current: current,
            clamped: chosen < clampedClusters.count ? clampedClusters[chosen] : [],
            qMin: weights.qualityMin,
            windowEvents: settings.windowEvents
        )
        let pairs = family.members[chosen]
        // Per stratum, the cross-fitted mean of s - q_min c at the chosen level (the floor monitor's margins) and
        // the quality ratio.
        let tiers = cross.tiers(of: pairs)
        var margins = [Double](repeating: 0, count: collected.count)
        var counts = [Double](repeating: 0, count: collected.count)
        var routed = [Double](repeating: 0, count: collected.count)
        var cloud = [Double](repeating: 0, count: collected.count)
        for i in 0..<calibration.count {
            let s = calibration.stratum[i]
            let score = calibration.samples.score
            let served = Double(
                tiers[i] == .device ? score.device[i] : (tiers[i] == .edge ? score.edge[i] : score.cloud[i])
            )
            let c = Double(calibration.samples.score.cloud[i])
            margins[s] += served - weights.qualityMin * c
            counts[s] += 1
            routed[s] += served
            cloud[s] += c
        }
        let reports = clustering.ids.enumerated().map { index, id in
            let n = collected[index].count
            return ThresholdProposal.ClusterReport(
                id: id,
                trainingSamples: n,
                heldOutSamples: n,
                optimised: cross.unlimited[min(chosen, cross.unlimited.count - 1)][index],
                final: pairs[index],
                shrinkageWeight: n == 0 ? 0 : Double(n) / (Double(n) + family.priorSampleCount),
                trafficShare: shares[index],
                heldOutQualityRatio: cloud[index] > 0 ? routed[index] / cloud[index] : nil,
                trials: [(pairs[index].device, pairs[index].edge, choice.estimate.utility)]
            )
        }
        return ThresholdProposal(
            engine: settings.engine,
            clusters: reports,
            thresholds: Dictionary(uniqueKeysWithValues: reports.map { ($0.id, $0.final) }),
            estimate: choice.estimate,
            current: current,
            cloudLeaning: cloudLeaning,
            verdict: verdict,
            strataMargins: zip(margins, counts).map { $1 > 0 ? $0 / $1 : 0 },
            alpha: settings.alpha,
            priorSampleCount: family.priorSampleCount,
            candidates: family.members.count,
            candidatesTested: choice.tested,
            samplesUsed: collected.reduce(0) { $0 + $1.count },
            shadowSamples: shadow.count,
            cloudLatencyMs: shadow.meanCloudLatencyMs,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        )
    }
}
