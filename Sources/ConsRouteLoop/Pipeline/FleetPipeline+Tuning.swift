import ConsRouteModel
import ConsRouteTuning

extension FleetPipeline {
    /// Re-clusters (when the trigger asks) and re-optimises on this pipeline's window; reads only, so it can run
    /// on a copy while the original keeps observing.
    ///
    /// - Complexity: one re-clustering of the reservoir and one optimisation of every cluster.
    public func tune(_ trigger: Trigger, runID: String, nowMs: Int64) -> TuningOutcome {
        let tuner = FleetTuner(settings: settings.tuner, objective: settings.objective)
        var outcome = TuningOutcome(
            trigger: trigger,
            clustering: nil,
            thresholds: nil,
            table: nil,
            failure: nil,
            windowFromMs: windowFromMs ?? nowMs,
            windowToMs: windowToMs,
            windowEvents: UInt64(reservoir.count),
            windowShadow: UInt64(shadow.count),
            runID: runID
        )
        do {
            let clustering: ClusteringProposal
            if trigger.recluster || table == nil {
                clustering = try tuner.recluster(
                    points: reservoir.snapshot(),
                    dimension: reservoir.dimension,
                    previous: table,
                    nextID: nextClusterID
                )
                outcome.clustering = clustering
            } else {
                clustering = FleetTuner.clustering(of: table!)
            }
            let proposal = try tuner.optimise(
                clustering: clustering,
                shadow: shadow,
                recent: reservoir.recent(settings.tuner.mixEvents),
                previous: table,
                severe: trigger.recluster || table == nil,
                cuts: changeCuts
            )
            outcome.thresholds = proposal
            if case .rejected(let reason) = proposal.verdict, table != nil {
                outcome.failure = "guardrail: \(reason)"
                return outcome
            }
            var thresholds = proposal
            if case .rejected = proposal.verdict {
                // First table and no candidate clears the bound: every cluster on the cloud-leaning novel
                // thresholds, so devices have a verified table and route conservatively, when those clear it
                // themselves. Otherwise all-cloud routing stays in force: a head that answers exactly 1 sends its
                // queries to the device under every threshold, so even the cloud-leaning table can be below the floor.
                guard let fallback = proposal.cloudLeaningFirstTable(qualityMin: settings.objective.qualityMin) else {
                    outcome.failure = noFirstTable(proposal.cloudLeaning)
                    return outcome
                }
                thresholds = fallback
                outcome.thresholds = fallback
            }
            outcome.table = tuner.table(
                metadata: settings.metadata,
                version: lastVersion + 1,
                parent: table?.version ?? 0,
                nowMs: nowMs,
                clustering: clustering,
                thresholds: thresholds,
                rollout: rollout(for: trigger),
                provenance: Provenance(
                    trigger: trigger.provenanceText,
                    windowFromMs: outcome.windowFromMs,
                    windowToMs: outcome.windowToMs,
                    windowEvents: outcome.windowEvents,
                    windowShadow: outcome.windowShadow,
                    optimiserRunID: runID,
                    controllerVersion: settings.metadata.controllerVersion
                )
            )
        } catch {
            outcome.failure = "\(error)"
        }
        return outcome
    }

    /// Why a bootstrap published nothing: not even the cloud-leaning thresholds (`cloudLeaning`) clear the bound.
    private func noFirstTable(_ cloudLeaning: PolicyEstimate?) -> String {
        let novel = settings.tuner.novelThresholds
        let bound = cloudLeaning?.qualityLowerBound.map { "\($0.rounded(to: 4))" } ?? "undefined"
        let ratio = cloudLeaning.map { "\($0.qualityRatio.rounded(to: 4))" } ?? "undefined"
        return "no first table: no candidate's quality lower confidence bound clears q_min "
            + "\(settings.objective.qualityMin), nor does that of the cloud-leaning thresholds (t_device "
            + "\(novel.device), t_edge \(novel.edge) in every cluster): \(bound), quality ratio \(ratio) on "
            + "\(cloudLeaning?.sampleCount ?? 0) held-out samples; all-cloud routing stays in force"
    }

    /// A tuned table goes out as a canary when canaries are enabled, except the first table (nothing to compare
    /// it with); the publisher sets the salt from the fleet and the version it assigns.
    func rollout(for trigger: Trigger) -> Rollout {
        guard settings.rollout.isEnabled, table != nil, trigger.kind != .bootstrap else { return .active }
        return Rollout(stage: .canary, percent: settings.rollout.canaryPercent, salt: "")
    }

    mutating func adopt(_ table: ThresholdTable) {
        // New thresholds on the same clusters change neither what the representation detectors compare against
        // nor the shadow scores the outcome detectors watch: they keep their reference, so a change that starts
        // right after a threshold update is still measured against the traffic before it.
        let sameClusters = self.table.map { Self.sameClusters($0, table) } ?? false
        self.table = table
        let policy = RoutingPolicy(table: table)
        self.policy = policy
        if let highest = table.clusters.map(\.id).max() { nextClusterID = max(nextClusterID, highest &+ 1) }
        if sameClusters, monitor != nil { return }
        referenceMeanDistance2 = Double(reservoir.dimension)
        // Adopted with no window (a restart or a takeover, before the replay): measured from the replayed window
        // once it holds the events before the table (`observe`).
        referenceAwaitsWindow = reservoir.count == 0
        if !referenceAwaitsWindow { measureReferenceDistance() }
        let reference = FleetDriftMonitor.Reference(clusterCount: table.clusters.count)
        if var existing = monitor, (try? existing.rebase(reference: reference)) != nil {
            monitor = existing
        } else {
            monitor = try? FleetDriftMonitor(configuration: settings.drift, reference: reference)
        }
    }

    /// The reference distance (the mean squared distance of the window's points to their nearest centroid), measured
    /// on the window as it is now: at adoption, or, for a table adopted with an empty window, on the replayed events
    /// before the table, as the owner that adopted it measured it on its window then. Unchanged on an empty window.
    mutating func measureReferenceDistance() {
        referenceAwaitsWindow = false
        guard let policy else { return }
        var total = 0.0
        reservoir.forEachRow { row in total += policy.exactPlacement(row).distance2 }
        if reservoir.count > 0, total > 0 { referenceMeanDistance2 = total / Double(reservoir.count) }
    }

    static func sameClusters(_ a: ThresholdTable, _ b: ThresholdTable) -> Bool {
        a.clusters.count == b.clusters.count
            && zip(a.clusters, b.clusters).allSatisfy {
                $0.id == $1.id && $0.centroid == $1.centroid && $0.radius2 == $1.radius2
            }
    }

    mutating func monitorDrift(_ event: TelemetryEvent) -> [DetectedDrift] {
        guard let policy, var monitor, event.representation.count == policy.dimension else { return [] }
        // Placed exactly, not with the routing decision's float32 distance, whose last bits depend on the machine.
        let (index, distance2, isNovel) = event.representation.withUnsafeBufferPointer { policy.exactPlacement($0) }
        let scores = event.shadow.map {
            FleetDriftMonitor.TierScores(
                device: Double($0.score.device),
                edge: Double($0.score.edge),
                cloud: Double($0.score.cloud)
            )
        }
        let observation = FleetDriftMonitor.Observation(
            cluster: index,
            normalizedSquaredDistance: distance2 / referenceMeanDistance2,
            shadowScores: scores,
            served: FleetDriftMonitor.ServedOutcome(
                tier: event.tier,
                latencyMilliseconds: Double(event.latencyMs),
                cost: Double(event.cost)
            )
        )
        guard let observed = try? monitor.observe(observation) else { return [] }
        self.monitor = monitor
        var batch = Array(observed)
        let stratum = isNovel ? policy.clusterCount : index
        let served = event.shadow.map {
            Double($0.score[event.tier]) - settings.objective.qualityMin * Double($0.score.cloud)
        }
        if let detection = floorMonitor.observe(stratum: stratum, served: served) {
            batch.append(DriftEvent(kind: .quality, detection: detection, eventIndex: Int(observedEvents)))
        }
        var detected: [DetectedDrift] = []
        for (position, drift) in batch.enumerated() {
            var clusterID: UInt32?
            var tier: Tier?
            switch drift.kind {
            case .outcome(let cluster, let driftTier):
                clusterID = policy.clusterIDs[cluster]
                tier = driftTier
                let (cut, overflow) = event.timeUnixMs.subtractingReportingOverflow(settings.tuner.changeLookbackMs)
                changeCuts.clusterMs[policy.clusterIDs[cluster]] = overflow ? .min : cut
            case .latency(let driftTier), .cost(let driftTier):
                // Served latency and cost also move when only the mix moves (hard queries go to dearer tiers), and
                // each shadow sample carries every tier's latency and cost, so the samples stay: the newest
                // `samplesPerCluster` per cluster follow a real change. As a sign that the mix may have changed,
                // it counts as one for `preMixChangeWeight` (a surge of hard tasks shows here first: the occupancy
                // test needs a long reference, the novelty detector fires only for queries far from every centroid).
                tier = driftTier
                changeCuts.mixMs = event.timeUnixMs
            case .quality:
                // The table in force fell below the floor: re-optimise on the current mix; the samples stay valid.
                break
            case .occupancy, .novelty:
                // A changed mix: the tuning weighs clusters by the newest traffic, and a cluster's samples from
                // before the change count less (its queries may now come from other tasks).
                changeCuts.mixMs = event.timeUnixMs
            }
            // Named by the event that raised it (and its place among that event's drifts, which can be several).
            let id =
                "\(settings.metadata.fleet)/drift/\(event.timeUnixMs)-\(event.eventID)/\(drift.kind.name)"
                + (position > 0 ? "-\(position)" : "")
            detected.append(
                DetectedDrift(id: id, event: drift, detectedAtMs: event.timeUnixMs, clusterID: clusterID, tier: tier)
            )
            var trigger =
                pending
                ?? Trigger(kind: .drift, firstAtMs: event.timeUnixMs, recluster: false, driftEventIDs: [], clusters: [])
            if trigger.kind == .schedule { trigger.kind = .drift }
            trigger.driftEventIDs.append(id)
            if drift.kind.isRepresentationDrift { trigger.recluster = true }
            if let clusterID { trigger.clusters.insert(clusterID) }
            pending = trigger
        }
        return detected
    }
}
