public import ConsRouteModel
import ConsRouteTuning
import Dispatch

extension FleetTuner {
    /// Optimises every cluster's thresholds on the shadow samples that fall in it, applies the guardrails
    /// (per-step change bounded unless `severe`; predicted quality ratio on held-out samples >= q_min), and
    /// predicts the outcome.
    ///
    /// - Parameters:
    ///   - clustering: the clusters the thresholds are for (new or the current table's).
    ///   - shadow: the fleet's recent shadow samples.
    ///   - previous: the table in effect, for the step limit (clusters matched by id).
    ///   - severe: a representation drift: the step limit does not apply.
    /// - Throws: `TuningError.notEnoughShadowSamples`, `.optimisation`.
    public func optimise(
        clustering: ClusteringProposal, shadow: ShadowSampleWindow, previous: ThresholdTable?, severe: Bool
    ) throws(TuningError) -> ThresholdProposal {
        let start = DispatchTime.now().uptimeNanoseconds
        guard shadow.count >= settings.minimumShadowSamples else {
            throw .notEnoughShadowSamples(have: shadow.count, need: settings.minimumShadowSamples)
        }
        let policy = RoutingPolicy(table: provisionalTable(clustering))
        let groups = shadow.grouped(perCluster: settings.samplesPerCluster) { representation in
            let (index, distance2) = representation.withUnsafeBufferPointer { policy.nearestCluster($0) }
            return distance2 > clustering.radius2[index] ? nil : index
        }
        do {
            let clusters = try (0..<clustering.clusterCount).map { try Self.samples(groups[$0] ?? []) }
            let tuner = try FleetThresholdTuner(
                optimizer: optimizer(), weights: tuningWeights(),
                shrinkage: FleetShrinkage(priorSampleCount: settings.shrinkagePriorSamples),
                holdoutFraction: settings.holdoutFraction, seed: settings.seed)
            let tuning = try tuner.tune(clusters)
            let splits = try tuner.splits(clusters)
            let previousPairs = Dictionary(
                (previous?.clusters ?? []).map { ($0.id, $0.thresholds) }, uniquingKeysWith: { first, _ in first })
            var reports: [ThresholdProposal.ClusterReport] = []
            var clamped: [UInt32] = []
            for (index, id) in clustering.ids.enumerated() {
                let tuned = tuning.clusters[index]
                var final = ConsRouteModel.ThresholdPair(device: tuned.pair.tDevice, edge: tuned.pair.tEdge)
                if !severe, let before = previousPairs[id] {
                    let limited = limitStep(final, from: before)
                    if limited != final { clamped.append(id) }
                    final = limited
                }
                let holdout = splits[index].holdout
                let heldOut = holdout.isEmpty
                    ? nil : try PolicyEvaluator.evaluate(ConsRouteTuning.ThresholdPair(tDevice: final.device, tEdge: final.edge), on: holdout)
                let optimised = tuned.optimization.map { ConsRouteModel.ThresholdPair(device: $0.pair.tDevice, edge: $0.pair.tEdge) } ?? final
                reports.append(
                    ThresholdProposal.ClusterReport(
                        id: id, trainingSamples: splits[index].training.count, heldOutSamples: holdout.count,
                        optimised: optimised, final: final, shrinkageWeight: tuned.shrinkageWeight,
                        heldOutQualityRatio: heldOut?.qualityRatio,
                        trials: (tuned.optimization?.trials ?? []).map { ($0.pair.tDevice, $0.pair.tEdge, $0.utility) }))
            }
            let expected = try predictedOutcome(reports: reports, splits: splits)
            let verdict: ThresholdProposal.Verdict
            if expected.qualityRatio < objective.qMin {
                verdict = .rejected(
                    reason: "predicted quality ratio \(expected.qualityRatio) on held-out samples is below q_min \(objective.qMin)")
            } else {
                verdict = clamped.isEmpty ? .pass : .clamped(clusters: clamped)
            }
            return ThresholdProposal(
                engine: settings.engine, clusters: reports,
                thresholds: Dictionary(uniqueKeysWithValues: reports.map { ($0.id, $0.final) }), expected: expected,
                verdict: verdict, shadowSamples: shadow.count, cloudLatencyMs: shadow.meanCloudLatencyMs,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        } catch {
            throw .optimisation("\(error)")
        }
    }

    func tuningWeights() throws -> ConsRouteTuning.ObjectiveWeights {
        try ConsRouteTuning.ObjectiveWeights(
            lambdaLatency: objective.lambdaLatency, lambdaCost: objective.lambdaCost,
            qualityMin: objective.qMin + settings.qualitySafetyMargin, penalty: objective.penalty)
    }

    private func optimizer() throws -> any ThresholdOptimizer {
        switch settings.engine {
        case .sweep: ExactSweepOptimizer()
        case .bayesian: BayesianOptimizer(seed: settings.seed)
        }
    }

    private func limitStep(_ pair: ConsRouteModel.ThresholdPair, from before: ConsRouteModel.ThresholdPair) -> ConsRouteModel.ThresholdPair {
        let step = settings.maxThresholdStep
        return ThresholdPair(
            device: min(max(pair.device, before.device - step), before.device + step),
            edge: min(max(pair.edge, before.edge - step), before.edge + step))
    }

    /// The fleet-level outcome of the final thresholds on every cluster's held-out samples together.
    private func predictedOutcome(
        reports: [ThresholdProposal.ClusterReport], splits: [(training: ShadowSamples, holdout: ShadowSamples)]
    ) throws -> ExpectedOutcome {
        var parts: [ShadowSamples] = []
        var assignment: [Int] = []
        for (index, split) in splits.enumerated() where !split.holdout.isEmpty {
            parts.append(split.holdout)
            assignment.append(contentsOf: repeatElement(index, count: split.holdout.count))
        }
        guard !parts.isEmpty else {
            return ExpectedOutcome(qualityRatio: 0, latencyRatio: 1, costRatio: 1, latencyMs: 0, cost: 0, shares: [0, 0, 1])
        }
        let outcome = try PolicyEvaluator.evaluate(
            ThresholdPolicy(
                clusterThresholds: reports.map { ConsRouteTuning.ThresholdPair(tDevice: $0.final.device, tEdge: $0.final.edge) },
                novelThresholds: ConsRouteTuning.ThresholdPair(tDevice: settings.novelThresholds.device, tEdge: settings.novelThresholds.edge)),
            on: try Self.concatenate(parts), assignment: ClusterAssignment(cluster: assignment))
        return ExpectedOutcome(
            qualityRatio: outcome.qualityRatio, latencyRatio: outcome.latencyRatio, costRatio: outcome.costRatio,
            latencyMs: outcome.meanLatency, cost: outcome.meanCost,
            shares: [outcome.tierShares.device, outcome.tierShares.edge, outcome.tierShares.cloud])
    }

    /// A table with the proposal's clusters (thresholds not chosen yet: the novel ones), for assigning samples exactly as
    /// devices will.
    func provisionalTable(_ clustering: ClusteringProposal) -> ThresholdTable {
        ThresholdTable(
            fleet: "provisional", version: 1, parentVersion: 0, createdAtMs: 0, expiresAtMs: 1,
            fingerprint: Fingerprint(
                representationModel: "", representationDim: clustering.dimension, reranker: "", promptTemplate: ""),
            clusters: clustering.ids.enumerated().map { index, id in
                TableCluster(
                    id: id, centroid: Array(clustering.centroids[index * clustering.dimension..<(index + 1) * clustering.dimension]),
                    radius2: clustering.radius2[index], thresholds: settings.novelThresholds)
            },
            novel: settings.novelThresholds, objective: objective, reprefillMsPer1kTokens: [0, 0, 0], rollout: .active,
            expected: ExpectedOutcome(qualityRatio: 0, latencyRatio: 0, costRatio: 0, latencyMs: 0, cost: 0, shares: [0, 0, 0]),
            provenance: Provenance(
                trigger: "", windowFromMs: 0, windowToMs: 0, windowEvents: 0, windowShadow: 0, optimiserRunID: "",
                controllerVersion: ""))
    }

    static func samples(_ group: [ShadowSampleWindow.Sample]) throws -> ShadowSamples {
        try ShadowSamples(
            pDevice: group.map(\.pDevice), pEdge: group.map(\.pEdge),
            score: TierColumns(
                device: group.map(\.outcome.score.device), edge: group.map(\.outcome.score.edge),
                cloud: group.map(\.outcome.score.cloud)),
            latency: TierColumns(
                device: group.map(\.outcome.latencyMs.device), edge: group.map(\.outcome.latencyMs.edge),
                cloud: group.map(\.outcome.latencyMs.cloud)),
            cost: TierColumns(
                device: group.map(\.outcome.cost.device), edge: group.map(\.outcome.cost.edge), cloud: group.map(\.outcome.cost.cloud)))
    }

    static func concatenate(_ parts: [ShadowSamples]) throws -> ShadowSamples {
        func joined(_ column: (ShadowSamples) -> [Float]) -> [Float] { parts.flatMap(column) }
        return try ShadowSamples(
            pDevice: joined(\.pDevice), pEdge: joined(\.pEdge),
            score: TierColumns(device: joined(\.score.device), edge: joined(\.score.edge), cloud: joined(\.score.cloud)),
            latency: TierColumns(device: joined(\.latency.device), edge: joined(\.latency.edge), cloud: joined(\.latency.cloud)),
            cost: TierColumns(device: joined(\.cost.device), edge: joined(\.cost.edge), cloud: joined(\.cost.cloud)))
    }
}
