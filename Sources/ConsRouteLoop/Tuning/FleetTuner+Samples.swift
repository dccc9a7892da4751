import ConsRouteModel
import ConsRouteTuning

extension FleetTuner {
    /// A window sample assigned to a stratum, with the tier the table in force gives it.
    struct CollectedSample {
        var sample: ShadowSampleWindow.Sample
        var previousTier: Tier
    }

    /// The held-out part of a split, in a seeded random order (the bound reads it in order, so the order must not
    /// depend on the values or group them by cluster).
    struct HeldOut {
        var samples: ShadowSamples
        var stratum: [Int]
        var previousTiers: [Tier]
        /// Each sample's time (Unix ms).
        var times: [Int64]
    }

    /// The window's samples per stratum (cluster index, then the novel queries last), newest first: at most
    /// `samplesPerCluster` each, and samples older than their cut only while fewer than `minimumShadowSamples`
    /// are kept.
    func collect(
        clustering: ClusteringProposal,
        shadow: ShadowSampleWindow,
        previous: ThresholdTable?,
        cuts: ChangeCuts
    )
        -> [[CollectedSample]]
    {
        let policy = RoutingPolicy(table: provisionalTable(clustering))
        let previousPolicy = previous.map { RoutingPolicy(table: $0) }
        let novel = clustering.clusterCount
        var strata = [[CollectedSample]](repeating: [], count: novel + 1)
        var kept = 0
        shadow.forEachNewest { sample, row in
            let placement = policy.exactPlacement(row)
            let stratum = placement.isOutside ? novel : placement.index
            guard strata[stratum].count < settings.samplesPerCluster else { return true }
            let cut = cuts.cut(cluster: stratum == novel ? nil : clustering.ids[stratum])
            if sample.timeUnixMs < cut, kept >= settings.minimumShadowSamples { return true }
            let previousTier =
                previousPolicy.map {
                    $0.decide(representation: row, pDevice: sample.pDevice, pEdge: sample.pEdge).tier
                } ?? .cloud
            strata[stratum].append(CollectedSample(sample: sample, previousTier: previousTier))
            kept += 1
            return true
        }
        return strata
    }

    /// Each stratum's share of the newest representations (row-major in `recent`); `fallback` counts when there are
    /// none.
    func trafficShares(clustering: ClusteringProposal, recent: [Float], fallback: [Int]) -> [Double] {
        let d = clustering.dimension
        let rows = recent.count / d
        guard rows > 0 else {
            let total = Double(max(1, fallback.reduce(0, +)))
            return fallback.map { Double($0) / total }
        }
        let policy = RoutingPolicy(table: provisionalTable(clustering))
        var counts = [Double](repeating: 0, count: clustering.clusterCount + 1)
        recent.withUnsafeBufferPointer { buffer in
            for row in 0..<rows {
                let x = UnsafeBufferPointer(rebasing: buffer[row * d..<(row + 1) * d])
                let placement = policy.exactPlacement(x)
                counts[placement.isOutside ? clustering.clusterCount : placement.index] += 1
            }
        }
        return counts.map { $0 / Double(rows) }
    }

    /// Each held-out sample's weight within its stratum: `preMixChangeWeight` for samples older than the last mix
    /// change, 1 for newer ones, normalised to mean 1 per stratum; nil when no change is known or the weight is 1.
    func withinWeights(_ heldOut: HeldOut, strata: Int, cuts: ChangeCuts) -> [Double]? {
        withinWeights(times: heldOut.times, stratum: heldOut.stratum, strata: strata, cuts: cuts)
    }

    /// The same for every collected sample, per stratum (the cross-fitted check, where every sample is checked on).
    func withinWeights(_ collected: [[CollectedSample]], cuts: ChangeCuts) -> [[Double]]? {
        let stratum = collected.indices.flatMap { s in Array(repeating: s, count: collected[s].count) }
        let times = collected.flatMap { $0.map(\.sample.timeUnixMs) }
        guard let flat = withinWeights(times: times, stratum: stratum, strata: collected.count, cuts: cuts) else {
            return nil
        }
        var offset = 0
        return collected.map { group in
            defer { offset += group.count }
            return Array(flat[offset..<offset + group.count])
        }
    }

    private func withinWeights(times: [Int64], stratum: [Int], strata: Int, cuts: ChangeCuts) -> [Double]? {
        let older = settings.preMixChangeWeight
        guard let mix = cuts.mixMs, older < 1 else { return nil }
        var raw = times.map { $0 < mix ? older : 1 }
        var sums = [Double](repeating: 0, count: strata)
        var counts = [Double](repeating: 0, count: strata)
        for (i, s) in stratum.enumerated() {
            sums[s] += raw[i]
            counts[s] += 1
        }
        for (i, s) in stratum.enumerated() where sums[s] > 0 { raw[i] *= counts[s] / sums[s] }
        return raw
    }

    /// Each stratum's samples split at random into a part to build candidates on and a held-out part.
    static func split(
        _ strata: [[CollectedSample]],
        holdoutFraction: Double,
        using generator: inout SeededGenerator
    ) -> (fit: [ShadowSamples], calibration: HeldOut) {
        var fit: [ShadowSamples] = []
        var heldOut: [(sample: CollectedSample, stratum: Int)] = []
        for (index, stratum) in strata.enumerated() {
            let order = stratum.indices.shuffled(using: &generator)
            let heldOutCount = stratum.count < 2 ? 0 : Int((Double(stratum.count) * holdoutFraction).rounded())
            fit.append(samples(order.dropFirst(heldOutCount).map { stratum[$0].sample }))
            heldOut.append(contentsOf: order.prefix(heldOutCount).map { (stratum[$0], index) })
        }
        heldOut.shuffle(using: &generator)
        return (
            fit,
            HeldOut(
                samples: samples(heldOut.map(\.sample.sample)),
                stratum: heldOut.map(\.stratum),
                previousTiers: heldOut.map(\.sample.previousTier),
                times: heldOut.map(\.sample.sample.timeUnixMs)
            )
        )
    }
}

extension FleetTuner {
    /// The table in force measured on `calibration`'s samples taken since it was published (`previous`'s
    /// `createdAtMs`), and those samples: older samples may be the very ones it was built and chosen on, on which it
    /// looks better than it serves (on `llm-benchmarks.yaml` after the surge: 1.02–1.05 on all held-out samples
    /// while it served 0.90–0.93, so the guardrail saw no table to move away from). On all of them, with no recent
    /// samples returned, when those since are fewer than `minimumShadowSamples` or miss a stratum that has traffic;
    /// before the first table (`previous` nil) the all-cloud routing in `tiers` on all of them. Fewer samples than a
    /// tuning needs cannot say whether the table serves below `q_min` (a point estimate on fifty 0/1 outcomes is
    /// 0.05 wide), and the requirement it sets (``recentRequirement(_:_:)``) then stops selections at random.
    func inForceEstimate(
        on calibration: CalibrationSet,
        tiers: [Tier],
        times: [Int64],
        previous: ThresholdTable?
    ) -> (estimate: PolicyEstimate, recent: RecentCheck?) {
        let recent = previous.flatMap { recentCheck(calibration, times: times, publishedMs: $0.createdAtMs) }
        let estimate = (recent?.set ?? calibration).estimate(
            tiers: recent.map { $0.restricted(tiers) } ?? tiers,
            weights: objective,
            alpha: settings.alpha
        )
        return (estimate, recent)
    }

    /// `calibration`'s samples taken at or after `publishedMs`; nil when they are fewer than
    /// `minimumShadowSamples` or miss a stratum that has traffic.
    private func recentCheck(_ calibration: CalibrationSet, times: [Int64], publishedMs: Int64) -> RecentCheck? {
        let since = times.indices.filter { times[$0] >= publishedMs }
        let observed = Set(since.map { calibration.stratum[$0] })
        guard since.count >= max(1, settings.minimumShadowSamples),
            calibration.shares.indices.allSatisfy({ calibration.shares[$0] == 0 || observed.contains($0) })
        else { return nil }
        return RecentCheck(
            indices: since,
            set: CalibrationSet(
                samples: calibration.samples.subset(since),
                stratum: since.map { calibration.stratum[$0] },
                shares: calibration.shares,
                bound: calibration.bound
            )
        )
    }

    /// The calibration samples taken since the table in force was published (positions in the calibration set, and
    /// those samples as a calibration set of their own with the same traffic shares).
    struct RecentCheck {
        var indices: [Int]
        var set: CalibrationSet

        /// `tiers` (one per calibration sample) of these samples only.
        func restricted(_ tiers: [Tier]) -> [Tier] { indices.map { tiers[$0] } }

        /// Whether `tiers` (one per calibration sample) keep the quality ratio of these samples at or above the
        /// objective's `q_min` (point estimate).
        func holds(_ tiers: [Tier], _ objective: ObjectiveWeights) -> Bool {
            set.estimate(tiers: restricted(tiers), weights: objective, alpha: 0.5, withRatioBound: false)
                .qualityRatio >= objective.qualityMin
        }
    }
}
