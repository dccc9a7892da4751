import ConsRouteModel
import ConsRouteTuning

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
        cuts: ChangeCuts,
        start: UInt64
    ) -> ThresholdProposal {
        var generator = SeededGenerator(seed: settings.seed)
        let novelPair = settings.novelThresholds
        let halving = CrossFittedFamily.Halving(
            strata: collected.enumerated().map { index, group in
                FleetStratum(
                    samples: Self.samples(group.map(\.sample)),
                    share: shares[index],
                    fixed: index == clustering.clusterCount ? novelPair : nil
                )
            },
            bound: settings.bound,
            within: withinWeights(collected, cuts: cuts),
            using: &generator
        )
        let calibration = halving.calibration
        // The table in force on every sample (all-cloud before the first table): the step limit applies only
        // while it clears the floor.
        let (current, recent) = inForceEstimate(
            on: calibration,
            tiers: previous == nil
                ? Array(repeating: .cloud, count: calibration.count)
                : halving.order.map { collected[$0.stratum][$0.index].previousTier },
            times: halving.order.map { collected[$0.stratum][$0.index].sample.timeUnixMs },
            previous: previous
        )
        let cloudLeaning = cloudLeaningEstimate(on: calibration, previous: previous)
        // The step limit's reference: the table in force and where its thresholds sit among the predictions.
        let limitedBy =
            severe || !current.clearsFloor ? nil : previous.map { ($0, predictionRanks(collected)) }
        let cross = CrossFittedFamily(
            halving: halving,
            allocator: allocator,
            limit: { members in
                guard let (table, predictions) = limitedBy else { return members }
                return self.limitSteps(members, ids: clustering.ids, previous: table, predictions: predictions).0
            }
        )
        let family = cross.family
        let clampedClusters =
            limitedBy.map { limitSteps(cross.unlimited, ids: clustering.ids, previous: $0.0, predictions: $0.1).1 }
            ?? Array(repeating: [], count: family.members.count)
        let choice = cross.select(selection, alsoRequiring: recentRequirement(current, recent))
        return proposal(
            clustering: clustering,
            shadow: shadow,
            collected: collected,
            shares: shares,
            family: family,
            unlimited: cross.unlimited,
            clamped: clampedClusters,
            choice: choice,
            current: current,
            cloudLeaning: cloudLeaning,
            trainingSamples: collected.map(\.count),
            // Every sample is a held-out one here: the cross-fitted figures at the chosen level.
            checkedOn: calibration,
            routing: { cross.tiers(of: $0) },
            smallStrataOnAllSamples: false,
            start: start
        )
    }
}
