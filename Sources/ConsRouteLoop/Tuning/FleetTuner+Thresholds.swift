public import ConsRouteModel
import ConsRouteTuning
import Dispatch

extension FleetTuner {
    /// Chooses every cluster's thresholds for the fleet's current traffic and checks them (docs/design.md §6.5–6.6).
    ///
    /// 1. The window's shadow samples, newest first, are assigned to the clusters (or to the novel queries) as
    ///    devices will assign them; samples from before a known change are left out (`cuts`), at most
    ///    `samplesPerCluster` per cluster are kept. Each cluster's share of the current traffic comes from the newest
    ///    representations (`recent`), which every event carries, not only shadow samples.
    /// 2. Each cluster's samples are split at random: the allocation (``FleetAllocator``: the exact sweep per
    ///    cluster, one quality budget for the fleet, shrinkage toward the fleet) builds candidate tables from one
    ///    part, safest first; ``RiskControlledSelection`` takes the most aggressive candidate whose fleet quality
    ///    ratio's lower confidence bound on the held-out part clears `q_min` at level alpha.
    /// 3. The guardrail is relative to the table in force, evaluated on the same held-out samples: a candidate
    ///    that clears the bound is published; otherwise it is published only when the table in force is itself
    ///    below `q_min` there and the candidate is better on quality, or when the candidate is at least as good on
    ///    both quality and objective. The per-step change is bounded unless the drift is severe or the table in
    ///    force no longer clears `q_min`.
    ///
    /// - Parameters:
    ///   - clustering: the clusters the thresholds are for (new or the current table's).
    ///   - shadow: the fleet's recent shadow samples.
    ///   - recent: the newest representations, row-major (the traffic mix); empty: the samples' own mix.
    ///   - previous: the table in effect, for the relative guardrail and the step limit (clusters matched by id); nil
    ///     before the first table, when all-cloud routing is in force.
    ///   - severe: a representation drift: the step limit does not apply.
    ///   - cuts: known changes.
    /// - Throws: `TuningError.notEnoughShadowSamples`, `.optimisation`.
    public func optimise(
        clustering: ClusteringProposal,
        shadow: ShadowSampleWindow,
        recent: [Float] = [],
        previous: ThresholdTable?,
        severe: Bool,
        cuts: ChangeCuts = .none
    ) throws(TuningError) -> ThresholdProposal {
        let start = DispatchTime.now().uptimeNanoseconds
        guard shadow.count >= settings.minimumShadowSamples else {
            throw .notEnoughShadowSamples(have: shadow.count, need: settings.minimumShadowSamples)
        }
        // The weights are settable: check them here (the penalty is unused: the floor is a constraint).
        let weights = objective
        do throws(ObjectiveWeightsError) { try weights.validate() } catch { throw .optimisation("\(error)") }
        let collected = collect(clustering: clustering, shadow: shadow, previous: previous, cuts: cuts)
        let shares = trafficShares(clustering: clustering, recent: recent, fallback: collected.map(\.count))
        func crossFittedSelection() -> ThresholdProposal {
            crossFitted(
                clustering: clustering,
                shadow: shadow,
                collected: collected,
                shares: shares,
                previous: previous,
                severe: severe,
                cuts: cuts,
                start: start
            )
        }
        if settings.crossFitting == .always { return crossFittedSelection() }
        var generator = SeededGenerator(seed: settings.seed)
        let split = Self.split(collected, holdoutFraction: settings.holdoutFraction, using: &generator)
        let novelPair = settings.novelThresholds
        let strata = split.fit.enumerated().map { index, samples in
            FleetStratum(
                samples: samples,
                share: shares[index],
                fixed: index == clustering.clusterCount ? novelPair : nil
            )
        }
        let calibration = CalibrationSet(
            samples: split.calibration.samples,
            stratum: split.calibration.stratum,
            shares: shares,
            bound: settings.bound,
            within: withinWeights(split.calibration, strata: shares.count, cuts: cuts)
        )
        // The table in force; before the first table devices send everything to the cloud, so that is what is in
        // force then.
        let (current, recent) = inForceEstimate(
            on: calibration,
            tiers: previous == nil
                ? Array(repeating: .cloud, count: calibration.count) : split.calibration.previousTiers,
            times: split.calibration.times,
            previous: previous
        )
        let cloudLeaning = cloudLeaningEstimate(on: calibration, previous: previous)
        var family = allocator.family(strata)
        let unlimited = family.members
        var clampedClusters: [[UInt32]] = Array(repeating: [], count: family.members.count)
        if !severe, let previous, current.clearsFloor {
            (family.members, clampedClusters) = limitSteps(
                family.members,
                ids: clustering.ids,
                previous: previous,
                predictions: predictionRanks(collected)
            )
        }
        let choice = selection.select(family, on: calibration, alsoRequiring: recentRequirement(current, recent)) {
            RiskControlledSelection.tiers(calibration, $0)
        }
        if case .whenBoundWiderThan(let width) = settings.crossFitting,
            boundWidth(of: choice, in: family, on: calibration) > width
        {
            return crossFittedSelection()
        }
        return proposal(
            clustering: clustering,
            shadow: shadow,
            collected: collected,
            shares: shares,
            family: family,
            unlimited: unlimited,
            clamped: clampedClusters,
            choice: choice,
            current: current,
            cloudLeaning: cloudLeaning,
            trainingSamples: split.fit.map(\.count),
            checkedOn: calibration,
            routing: { RiskControlledSelection.tiers(calibration, $0) },
            // On its held-out samples when a stratum has at least 10, else on all its samples.
            smallStrataOnAllSamples: true,
            start: start
        )
    }

    /// How far the quality ratio's lower confidence bound is below its estimate, at the first test level, for the
    /// last member `choice` tested (where the bound decided); 0 when none was tested.
    func boundWidth(
        of choice: RiskControlledSelection.Choice,
        in family: AllocationFamily,
        on calibration: CalibrationSet
    ) -> Double {
        guard choice.tested > 0 else { return 0 }
        let estimate = calibration.estimate(
            tiers: RiskControlledSelection.tiers(calibration, family.members[choice.tested - 1]),
            weights: objective,
            alpha: selection.testLevel(afterFailures: 0)
        )
        return estimate.qualityLowerBound.map { estimate.qualityRatio - $0 } ?? 0
    }

    /// When the table in force serves below `q_min` on the samples taken since it was published (its point
    /// estimate there), a candidate must also keep those samples at or above `q_min` (point estimate, each sample
    /// routed by a candidate not built from it): the older samples the bound rests on evidently misdescribe the
    /// traffic now, and the newer ones say where it went. An extra condition on top of the bound's test, so the
    /// guarantee stands; nil (no condition) otherwise or when `holdsRecentSamples` is off.
    func recentRequirement(_ current: PolicyEstimate, _ recent: RecentCheck?) -> (([Tier]) -> Bool)? {
        guard settings.holdsRecentSamples, let recent, current.qualityRatio < objective.qualityMin else { return nil }
        let objective = objective
        return { recent.holds($0, objective) }
    }

    /// The allocation the settings describe (both selections build their candidates with it).
    var allocator: FleetAllocator {
        FleetAllocator(
            grid: settings.grid.fixedGrid,
            weights: objective,
            constraint: settings.constraint,
            shrinkage: settings.shrinkage,
            engine: settings.engine == .bayesian ? .gaussianProcess : .exact
        )
    }

    /// Before the first table (`previous` nil), every cluster on the cloud-leaning novel thresholds, on
    /// `calibration`'s samples: the first table when no candidate clears the bound
    /// (``ThresholdProposal/cloudLeaningFirstTable(qualityMin:)``); nil once a table is in force.
    func cloudLeaningEstimate(on calibration: CalibrationSet, previous: ThresholdTable?) -> PolicyEstimate? {
        guard previous == nil else { return nil }
        let novel = settings.novelThresholds
        let samples = calibration.samples
        return calibration.estimate(
            tiers: (0..<calibration.count).map { novel.tier(pDevice: samples.pDevice[$0], pEdge: samples.pEdge[$0]) },
            weights: objective,
            alpha: settings.alpha
        )
    }

    /// The risk-controlled selection the settings describe (both selections test with it).
    var selection: RiskControlledSelection {
        var selection = RiskControlledSelection(
            alpha: settings.alpha,
            weights: objective,
            failuresAllowed: settings.failuresAllowed
        )
        selection.windowEvents = settings.windowEvents
        return selection
    }

    /// The publication decision from the selection and the table in force.
    static func verdict(
        _ choice: RiskControlledSelection.Choice,
        current: PolicyEstimate,
        clamped: [UInt32],
        qMin: Double,
        windowEvents: Int? = nil
    ) -> ThresholdProposal.Verdict {
        if choice.member != nil { return clamped.isEmpty ? .pass : .clamped(clusters: clamped) }
        let candidate = choice.estimate
        let bound = candidate.qualityLowerBound.map { "\($0.rounded(to: 4))" } ?? "undefined"
        let failure =
            "the quality ratio's lower confidence bound \(bound) on \(candidate.sampleCount) held-out samples "
            + "is below q_min \(qMin)"
            + (windowEvents.map { " (or above it by less than a \($0)-event window's margin)" } ?? "")
        if current.qualityRatio < qMin, candidate.qualityRatio > current.qualityRatio { return .towardSafety }
        if candidate.qualityRatio >= current.qualityRatio, candidate.utility >= current.utility,
            candidate.qualityRatio > current.qualityRatio || candidate.utility > current.utility
        {
            return .dominates
        }
        return .rejected(
            reason: failure + " and the table in force is no worse on the same samples (quality ratio "
                + "\(current.qualityRatio.rounded(to: 4)) vs \(candidate.qualityRatio.rounded(to: 4)), objective "
                + "\(current.utility.rounded(to: 4)) vs \(candidate.utility.rounded(to: 4)))"
        )
    }

    /// The tuning's predictions (every collected sample's), sorted per axis.
    func predictionRanks(_ collected: [[CollectedSample]]) -> PredictionRanks {
        let samples = collected.joined().map(\.sample)
        return PredictionRanks(pDevice: samples.map(\.pDevice), pEdge: samples.map(\.pEdge))
    }

    /// Every member's cluster pairs pulled to within `maxThresholdStep` of the previous table's (by cluster id),
    /// measured as the share of the tuning's predictions a threshold crosses (`predictions`, ``PredictionRanks``), so
    /// the limit means the same whatever range a router head's predictions use; consecutive duplicates dropped.
    /// Returns the members and, per member, the clusters that were pulled.
    func limitSteps(
        _ members: [[ThresholdPair]],
        ids: [UInt32],
        previous: ThresholdTable,
        predictions: PredictionRanks
    ) -> ([[ThresholdPair]], [[UInt32]]) {
        let before = Dictionary(previous.clusters.map { ($0.id, $0.thresholds) }, uniquingKeysWith: { a, _ in a })
        let step = Double(settings.maxThresholdStep)
        var limited: [[ThresholdPair]] = []
        var clamped: [[UInt32]] = []
        for member in members {
            var pairs = member
            var pulled: [UInt32] = []
            for (index, id) in ids.enumerated() {
                guard let old = before[id] else { continue }
                let pair = member[index]
                let next = ThresholdPair(
                    device: predictions.device.limit(pair.device, from: old.device, share: step),
                    edge: predictions.edge.limit(pair.edge, from: old.edge, share: step)
                )
                if next != pair { pulled.append(id) }
                pairs[index] = next
            }
            if limited.last != pairs {
                limited.append(pairs)
                clamped.append(pulled)
            }
        }
        return (limited, clamped)
    }

    /// Per stratum, over the calibration samples routed by `tiers`: how many there are, the sum of `s - qMin c`, and
    /// the served and all-cloud score sums (one pass).
    struct StratumFigures {
        var count = 0
        var margin = 0.0
        var served = 0.0
        var cloud = 0.0

        /// The quality ratio (nil without samples or with an all-cloud score of 0).
        var qualityRatio: Double? { cloud > 0 ? served / cloud : nil }
        /// The mean of `s - q_min c` (0 without samples).
        var meanMargin: Double { count > 0 ? margin / Double(count) : 0 }
    }

    static func stratumFigures(
        tiers: [Tier],
        calibration: CalibrationSet,
        strata: Int,
        qMin: Double
    ) -> [StratumFigures] {
        var figures = [StratumFigures](repeating: StratumFigures(), count: strata)
        let score = calibration.samples.score
        for i in 0..<calibration.count {
            let s = calibration.stratum[i]
            let served = Double(
                tiers[i] == .device ? score.device[i] : (tiers[i] == .edge ? score.edge[i] : score.cloud[i])
            )
            let cloud = Double(score.cloud[i])
            figures[s].count += 1
            figures[s].margin += served - qMin * cloud
            figures[s].served += served
            figures[s].cloud += cloud
        }
        return figures
    }

    /// Per stratum, the mean of `s - qMin c` under `pairs` on all its samples (0 without any): the margin of a
    /// stratum with fewer than 10 held-out samples.
    static func allSamplesMargin(_ pair: ThresholdPair, _ samples: [CollectedSample], qMin: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        return samples.reduce(0.0) { total, item in
            let tier = pair.tier(pDevice: item.sample.pDevice, pEdge: item.sample.pEdge)
            let score = item.sample.outcome.score
            let routed = tier == .device ? score.device : (tier == .edge ? score.edge : score.cloud)
            return total + Double(routed) - qMin * Double(score.cloud)
        } / Double(samples.count)
    }

    /// The proposal both selections report: per cluster the chosen pair, the pair before the step limit, its
    /// samples and held-out figures; the choice, the table in force and the verdict on them; per stratum the margins
    /// the quality-floor monitor weighs, on the samples the choice was checked on (`calibration`, routed by
    /// `tiersOf`), or on all of a stratum's samples when it has fewer than 10 there and `smallStrataOnAllSamples`.
    func proposal(
        clustering: ClusteringProposal,
        shadow: ShadowSampleWindow,
        collected: [[CollectedSample]],
        shares: [Double],
        family: AllocationFamily,
        unlimited: [[ThresholdPair]],
        clamped: [[UInt32]],
        choice: RiskControlledSelection.Choice,
        current: PolicyEstimate,
        cloudLeaning: PolicyEstimate?,
        trainingSamples: [Int],
        checkedOn calibration: CalibrationSet,
        routing tiersOf: ([ThresholdPair]) -> [Tier],
        smallStrataOnAllSamples: Bool,
        start: UInt64
    ) -> ThresholdProposal {
        let chosen = choice.member ?? 0
        let pairs = family.members[chosen]
        let qMin = objective.qualityMin
        let verdict = Self.verdict(
            choice,
            current: current,
            clamped: chosen < clamped.count ? clamped[chosen] : [],
            qMin: qMin,
            windowEvents: settings.windowEvents
        )
        let figures = Self.stratumFigures(
            tiers: tiersOf(pairs),
            calibration: calibration,
            strata: collected.count,
            qMin: qMin
        )
        let margins = figures.indices.map { s in
            smallStrataOnAllSamples && figures[s].count < 10
                ? Self.allSamplesMargin(pairs[s], collected[s], qMin: qMin) : figures[s].meanMargin
        }
        let reports = clustering.ids.enumerated().map { index, id in
            let fit = trainingSamples[index]
            return ThresholdProposal.ClusterReport(
                id: id,
                trainingSamples: fit,
                heldOutSamples: figures[index].count,
                optimised: unlimited[min(chosen, unlimited.count - 1)][index],
                final: pairs[index],
                shrinkageWeight: fit == 0 ? 0 : Double(fit) / (Double(fit) + family.priorSampleCount),
                trafficShare: shares[index],
                heldOutQualityRatio: figures[index].qualityRatio,
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
            strataMargins: margins,
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

    /// A table with the proposal's clusters (thresholds not chosen yet: the novel ones), for assigning samples exactly as
    /// devices will.
    func provisionalTable(_ clustering: ClusteringProposal) -> ThresholdTable {
        ThresholdTable(
            fleet: "provisional",
            version: 1,
            parentVersion: 0,
            createdAtMs: 0,
            expiresAtMs: 1,
            fingerprint: Fingerprint(
                representationModel: "",
                representationDim: clustering.dimension,
                reranker: "",
                promptTemplate: ""
            ),
            clusters: clustering.ids.enumerated().map { index, id in
                TableCluster(
                    id: id,
                    centroid: Array(
                        clustering.centroids[index * clustering.dimension..<(index + 1) * clustering.dimension]
                    ),
                    radius2: clustering.radius2[index],
                    thresholds: settings.novelThresholds
                )
            },
            novel: settings.novelThresholds,
            objective: objective,
            latencyRefMs: Self.fallbackLatencyRefMs,
            reprefillMsPer1kTokens: [0, 0, 0],
            rollout: .active,
            expected: ExpectedOutcome(
                qualityRatio: 0,
                latencyRatio: 0,
                costRatio: 0,
                latencyMs: 0,
                cost: 0,
                shares: [0, 0, 0]
            ),
            provenance: Provenance(
                trigger: "",
                windowFromMs: 0,
                windowToMs: 0,
                windowEvents: 0,
                windowShadow: 0,
                optimiserRunID: "",
                controllerVersion: ""
            )
        )
    }

    static func samples(_ group: [ShadowSampleWindow.Sample]) -> ShadowSamples {
        // Window samples passed the telemetry validation (scores in [0, 1], finite, non-negative), so they are valid.
        (try? ShadowSamples(
            pDevice: group.map(\.pDevice),
            pEdge: group.map(\.pEdge),
            score: TierColumns(
                device: group.map(\.outcome.score.device),
                edge: group.map(\.outcome.score.edge),
                cloud: group.map(\.outcome.score.cloud)
            ),
            latency: TierColumns(
                device: group.map(\.outcome.latencyMs.device),
                edge: group.map(\.outcome.latencyMs.edge),
                cloud: group.map(\.outcome.latencyMs.cloud)
            ),
            cost: TierColumns(
                device: group.map(\.outcome.cost.device),
                edge: group.map(\.outcome.cost.edge),
                cloud: group.map(\.outcome.cost.cloud)
            )
        )) ?? .empty
    }
}

extension Double {
    func rounded(to digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
