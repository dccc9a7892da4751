import ConsRouteController
import ConsRouteModel
import ConsRouteTuning
import Testing

@testable import ConsRouteLoop

/// A synthetic fleet: topics around separated centres with their own device and edge quality.
struct SyntheticFleet {
    let dimension = 8
    var centres: [[Float]]
    /// Mean consistency of the device's and the edge's answers per topic.
    var quality: [(device: Float, edge: Float)]
    var generator: SeededGenerator

    init(seed: UInt64, topics: Int = 4) {
        generator = SeededGenerator(seed: seed)
        centres = (0..<topics).map { topic -> [Float] in (0..<8).map { axis -> Float in axis == topic ? 6 : 0 } }
        quality = (0..<topics).map { topic -> (device: Float, edge: Float) in
            let step = Float(topic)
            return (device: 0.95 - 0.15 * step, edge: 0.97 - 0.05 * step)
        }
    }

    mutating func event(topic: Int, time: Int64) -> TelemetryEvent {
        let representation = centres[topic].map { $0 + Float(generator.nextGaussian()) * 0.5 }
        func score(_ mean: Float) -> Float { min(1, max(0, mean + Float(generator.nextGaussian()) * 0.08)) }
        let sDevice = score(quality[topic].device)
        let sEdge = score(quality[topic].edge)
        func predict(_ s: Float) -> Float { min(1, max(0, s + Float(generator.nextGaussian()) * 0.05)) }
        return TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: "synthetic",
            deviceID: "d",
            timeUnixMs: time,
            representation: representation,
            pDevice: predict(sDevice),
            pEdge: predict(sEdge),
            tier: .cloud,
            latencyMs: 800,
            cost: 0.01,
            shadow: ShadowOutcome(
                score: TierValues(device: sDevice, edge: sEdge, cloud: 1),
                latencyMs: TierValues(device: 60, edge: 250, cloud: 800),
                cost: TierValues(device: 0, edge: 0.002, cloud: 0.01)
            )
        )
    }

    /// Fills a reservoir and a shadow window with `count` events spread over the topics.
    mutating func window(count: Int) -> (RepresentationReservoir, ShadowSampleWindow) {
        var reservoir = RepresentationReservoir(dimension: dimension, capacity: count)
        var shadow = ShadowSampleWindow(dimension: dimension, capacity: count)
        for index in 0..<count {
            let event = event(topic: index % centres.count, time: Int64(index))
            reservoir.append(event.representation)
            shadow.append(event)
        }
        return (reservoir, shadow)
    }
}

@Suite("Fleet tuner")
struct FleetTunerTests {
    private func tuner(k: ClosedRange<Int> = 2...6, engine: FleetTunerSettings.Engine = .sweep) -> FleetTuner {
        var settings = FleetTunerSettings()
        settings.clusterCountRange = k
        settings.minimumPointsToCluster = 100
        settings.minimumShadowSamples = 100
        settings.engine = engine
        return FleetTuner(settings: settings, objective: .standard)
    }

    private let metadata = FleetTableMetadata(
        fleet: "synthetic",
        fingerprint: Fingerprint(representationModel: "m", representationDim: 8, reranker: "r", promptTemplate: "t"),
        lifetimeMs: 3_600_000,
        reprefillMsPer1kTokens: [40, 15, 5],
        controllerVersion: "test"
    )

    fileprivate static func provenance() -> Provenance {
        Provenance(
            trigger: "bootstrap",
            windowFromMs: 0,
            windowToMs: 1,
            windowEvents: 1,
            windowShadow: 1,
            optimiserRunID: "r1",
            controllerVersion: "test"
        )
    }

    @Test("bootstrap: finds the topics, picks thresholds that meet q_min, and assembles a valid table")
    func bootstrap() throws {
        var fleet = SyntheticFleet(seed: 1)
        let (reservoir, shadow) = fleet.window(count: 4_000)
        let tuner = tuner()
        let clustering = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
        #expect(clustering.clusterCount == 4)
        #expect(
            clustering.ids.sorted() == [0, 1, 2, 3] && clustering.newIDs.count == 4 && clustering.retiredIDs.isEmpty
        )
        let proposal = try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true)
        #expect(proposal.verdict == .pass)
        #expect(proposal.expected.qualityRatio >= 0.95)
        #expect(proposal.expected.latencyRatio < 0.8 && proposal.expected.shares[0] > 0.1)
        #expect(proposal.clusters.allSatisfy { $0.heldOutSamples > 0 && !$0.trials.isEmpty })
        let table = tuner.table(
            metadata: metadata,
            version: 1,
            parent: 0,
            nowMs: 1_000,
            clustering: clustering,
            thresholds: proposal,
            rollout: .active,
            provenance: Self.provenance()
        )
        try table.validate()
        #expect(table.latencyRefMs == 800 && table.expected == proposal.expected)
    }

    @Test("cross-fitted: every sample checks the candidates, the table meets q_min and the margins cover each cluster")
    func crossFitted() throws {
        var fleet = SyntheticFleet(seed: 1)
        let (reservoir, shadow) = fleet.window(count: 4_000)
        var settings = tuner().settings
        settings.crossFitting = .always
        let tuner = FleetTuner(settings: settings, objective: tuner().objective)
        let clustering = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
        let proposal = try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true)
        #expect(proposal.verdict == .pass)
        #expect(proposal.expected.qualityRatio >= 0.95 && proposal.expected.shares[0] > 0.1)
        // The bound's samples are all the samples used, not a held-out part.
        #expect(proposal.estimate.sampleCount == proposal.samplesUsed)
        #expect(proposal.clusters.allSatisfy { $0.heldOutSamples == $0.trainingSamples && $0.heldOutSamples > 0 })
        #expect(proposal.strataMargins.count == clustering.clusterCount + 1)
    }

    @Test("re-clustering keeps ids of clusters that stayed, gives new ids to new ones and retires vanished ones")
    func stableIDs() throws {
        var fleet = SyntheticFleet(seed: 2)
        let (before, shadow) = fleet.window(count: 4_000)
        let tuner = tuner(k: 4...4)
        let first = try tuner.recluster(points: before.snapshot(), dimension: 8, previous: nil, nextID: 0)
        let proposal = try tuner.optimise(clustering: first, shadow: shadow, previous: nil, severe: true)
        let table = tuner.table(
            metadata: metadata,
            version: 1,
            parent: 0,
            nowMs: 0,
            clustering: first,
            thresholds: proposal,
            rollout: .active,
            provenance: Self.provenance()
        )
        // Topic 3 disappears, a new topic 4 appears along axis 5.
        fleet.centres[3] = (0..<8).map { $0 == 5 ? 6 : 0 }
        let (after, _) = fleet.window(count: 4_000)
        let second = try tuner.recluster(points: after.snapshot(), dimension: 8, previous: table, nextID: first.nextID)
        let idOfTopic = { (clustering: ClusteringProposal, topic: [Float]) -> UInt32 in
            let distances = (0..<clustering.clusterCount).map { index in
                zip(topic, clustering.centroids[index * 8..<(index + 1) * 8]).reduce(Float(0)) {
                    $0 + ($1.0 - $1.1) * ($1.0 - $1.1)
                }
            }
            return clustering.ids[distances.firstIndex(of: distances.min()!)!]
        }
        for topic in 0..<3 {
            #expect(idOfTopic(first, fleet.centres[topic]) == idOfTopic(second, fleet.centres[topic]))
        }
        #expect(second.newIDs == [4] && second.retiredIDs.count == 1 && second.nextID == 5)
        #expect(idOfTopic(second, fleet.centres[3]) == 4)
    }

    @Test("guardrails: the step limit clamps a small drift's changes; an unreachable q_min rejects")
    func guardrails() throws {
        var fleet = SyntheticFleet(seed: 3)
        let (reservoir, shadow) = fleet.window(count: 4_000)
        var tuner = tuner(k: 4...4)
        let clustering = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
        var previous = tuner.table(
            metadata: metadata,
            version: 1,
            parent: 0,
            nowMs: 0,
            clustering: clustering,
            thresholds: try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true),
            rollout: .active,
            provenance: Self.provenance()
        )
        for index in previous.clusters.indices {
            previous.clusters[index].thresholds = ThresholdPair(device: 1, edge: 1)
        }
        tuner.settings.maxThresholdStep = 0.05
        let clamped = try tuner.optimise(clustering: clustering, shadow: shadow, previous: previous, severe: false)
        guard case .clamped(let ids) = clamped.verdict else {
            Issue.record("expected clamping, got \(clamped.verdict)")
            return
        }
        #expect(!ids.isEmpty)
        // The step is a share of the tuning's predictions: from thresholds of 1, at most 5 % more of them (all the
        // window's samples here) may reach a tier, whatever range the predictions use. (Predictions of exactly 1
        // reach it at a threshold of 1 too.)
        let samples = shadow.all()
        func shareAtOrAbove(_ threshold: Float, _ prediction: (ShadowSampleWindow.Sample) -> Float) -> Double {
            Double(samples.filter { prediction($0) >= threshold }.count) / Double(samples.count)
        }
        let atOne = (device: shareAtOrAbove(1, \.pDevice), edge: shareAtOrAbove(1, \.pEdge))
        for cluster in clamped.clusters {
            #expect(shareAtOrAbove(cluster.final.device, \.pDevice) <= atOne.device + 0.05 + 1e-9, "\(cluster.final)")
            #expect(shareAtOrAbove(cluster.final.edge, \.pEdge) <= atOne.edge + 0.05 + 1e-9, "\(cluster.final)")
        }
        #expect(clamped.clusters.contains { shareAtOrAbove($0.final.device, \.pDevice) > atOne.device + 0.03 })
        let free = try tuner.optimise(clustering: clustering, shadow: shadow, previous: previous, severe: true)
        #expect(free.clusters.contains { shareAtOrAbove($0.final.device, \.pDevice) > atOne.device + 0.05 })
        tuner.objective.qualityMin = 1.5
        let rejected = try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true)
        guard case .rejected(let reason) = rejected.verdict else {
            Issue.record("expected a rejection")
            return
        }
        #expect(reason.contains("q_min"))
    }

    @Test("a candidate better on quality than a table in force below q_min is published though its bound fails")
    func towardSafety() throws {
        var fleet = SyntheticFleet(seed: 6)
        let (reservoir, shadow) = fleet.window(count: 4_000)
        var tuner = tuner(k: 4...4)
        let clustering = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
        var failing = tuner.table(
            metadata: metadata,
            version: 1,
            parent: 0,
            nowMs: 0,
            clustering: clustering,
            thresholds: try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true),
            rollout: .active,
            provenance: Self.provenance()
        )
        // Everything on the device: far below any sensible floor on these topics.
        for index in failing.clusters.indices { failing.clusters[index].thresholds = ThresholdPair(device: 0, edge: 0) }
        // A floor no candidate's bound can clear on 1,600 held-out samples at alpha 0.001.
        tuner.objective.qualityMin = 0.999
        tuner.settings.alpha = 0.001
        let proposal = try tuner.optimise(clustering: clustering, shadow: shadow, previous: failing, severe: false)
        let current = proposal.current
        #expect(current.qualityRatio < 0.999 && !current.clearsFloor)
        #expect(!proposal.estimate.clearsFloor)
        #expect(proposal.estimate.qualityRatio > current.qualityRatio)
        #expect(proposal.verdict == .towardSafety && proposal.verdict.publishes)
        // Without a table in force, all-cloud routing is what the candidate is compared with.
        let first = try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true)
        #expect(first.current.qualityRatio == 1 && first.current.shares.cloud == 1)
        #expect(first.verdict != .towardSafety)
    }

    /// A fleet of four topics (`SyntheticFleet(seed:)`, 4,000 events 1 ms apart) whose device and edge answer wrong
    /// from `dropAt` ms on (a drop the router head does not see), with a table tuned on the window before the drop.
    private struct DroppedFleet {
        var tuner: FleetTuner
        let clustering: ClusteringProposal
        /// Tuned on the window without the drop.
        let thresholds: ThresholdProposal
        /// The window with the drop.
        let degraded: ShadowSampleWindow
        /// The events from the drop on: their shadow sample and representation.
        let dropped: [(sample: ShadowSampleWindow.Sample, row: [Float])]
        let metadata: FleetTableMetadata

        init(seed: UInt64, dropAt: Int, tuner: FleetTuner, metadata: FleetTableMetadata) throws {
            var fleet = SyntheticFleet(seed: seed)
            let (reservoir, shadow) = fleet.window(count: 4_000)
            clustering = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
            thresholds = try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true)
            var degraded = ShadowSampleWindow(dimension: 8, capacity: 4_000)
            var again = SyntheticFleet(seed: seed)
            var dropped: [(sample: ShadowSampleWindow.Sample, row: [Float])] = []
            for index in 0..<4_000 {
                var event = again.event(topic: index % 4, time: Int64(index))
                if index >= dropAt { event.shadow?.score = TierValues(device: 0, edge: 0, cloud: 1) }
                degraded.append(event)
                if index >= dropAt, let outcome = event.shadow {
                    let sample = ShadowSampleWindow.Sample(
                        pDevice: event.pDevice,
                        pEdge: event.pEdge,
                        outcome: outcome,
                        timeUnixMs: event.timeUnixMs
                    )
                    dropped.append((sample, event.representation))
                }
            }
            self.tuner = tuner
            self.degraded = degraded
            self.dropped = dropped
            self.metadata = metadata
        }

        /// `proposal` as a table published at `publishedMs`.
        func table(_ proposal: ThresholdProposal, publishedMs: Int64) -> ThresholdTable {
            tuner.table(
                metadata: metadata,
                version: 1,
                parent: 0,
                nowMs: publishedMs,
                clustering: clustering,
                thresholds: proposal,
                rollout: .active,
                provenance: FleetTunerTests.provenance()
            )
        }

        /// A tuning on the window with the drop, with the table tuned before it in force from `publishedMs`.
        func retune(publishedMs: Int64) throws -> ThresholdProposal {
            try tuner.optimise(
                clustering: clustering,
                shadow: degraded,
                previous: table(thresholds, publishedMs: publishedMs),
                severe: false
            )
        }

        /// The share of the events from the drop on that `proposal`'s table sends to the cloud: their quality ratio.
        func cloudShare(_ proposal: ThresholdProposal) -> Double {
            let policy = RoutingPolicy(table: table(proposal, publishedMs: 0))
            let cloud = dropped.filter { sample, row in
                row.withUnsafeBufferPointer {
                    policy.decide(representation: $0, pDevice: sample.pDevice, pEdge: sample.pEdge).tier == .cloud
                }
            }
            return Double(cloud.count) / Double(dropped.count)
        }
    }

    @Test(
        "the table in force is measured on the samples taken since it was published, not on those it may have been built on"
    )
    func inForceSincePublished() throws {
        let fleet = try DroppedFleet(seed: 8, dropAt: 3_000, tuner: tuner(k: 4...4), metadata: metadata)
        #expect(fleet.cloudShare(fleet.thresholds) < 0.9)  // the table in force routes a share below the cloud
        let late = try fleet.retune(publishedMs: 3_000)
        let early = try fleet.retune(publishedMs: 0)
        // Published at 3,000 ms: judged on the samples since, all after the drop; published at 0: on all of them.
        #expect(late.current.sampleCount > 0 && late.current.sampleCount < early.current.sampleCount)
        #expect(early.current.sampleCount == early.estimate.sampleCount)
        #expect(late.current.qualityRatio < early.current.qualityRatio - 0.05)
        #expect(!late.current.clearsFloor && late.verdict.publishes)
    }

    @Test("fewer samples since the table in force was published than a tuning needs: it is judged on all of them")
    func inForceTooFewSince() throws {
        var fleet = try DroppedFleet(seed: 8, dropAt: 3_000, tuner: tuner(k: 4...4), metadata: metadata)
        let since = try fleet.retune(publishedMs: 3_000).current.sampleCount
        #expect(since >= fleet.tuner.settings.minimumShadowSamples)
        // A point estimate on fewer samples than min_shadow_samples would decide the guardrail by chance.
        fleet.tuner.settings.minimumShadowSamples = since + 1
        let judged = try fleet.retune(publishedMs: 3_000)
        #expect(judged.current.sampleCount == judged.estimate.sampleCount && judged.current.sampleCount > since)
    }

    @Test(
        "when the table in force serves below q_min on the samples since it was published, a candidate must keep those samples at q_min too"
    )
    func recentSamplesHold() throws {
        // The table in force is published at 3,600 ms, when the drop begins. The window check is off: what the
        // condition adds is compared with the bound alone (the window's margin refuses these candidates by itself).
        var windowOff = tuner(k: 4...4)
        windowOff.settings.windowEvents = nil
        var fleet = try DroppedFleet(seed: 9, dropAt: 3_600, tuner: windowOff, metadata: metadata)
        #expect(fleet.cloudShare(fleet.thresholds) < 0.9)  // the table in force is below q_min on them
        let checked = try fleet.retune(publishedMs: 3_600)
        fleet.tuner.settings.holdsRecentSamples = false
        let unchecked = try fleet.retune(publishedMs: 3_600)
        #expect(!checked.current.clearsFloor && checked.current.qualityRatio < 0.95)
        // The bound alone, on samples most of which predate the drop, accepts a candidate; with the condition no
        // candidate keeps the newer samples at q_min, so the fleet only moves toward safety.
        #expect(unchecked.verdict == .pass)
        #expect(checked.verdict == .towardSafety)
        #expect(fleet.cloudShare(checked) >= fleet.cloudShare(unchecked))
    }

    /// `count` events of four topics with 0/1 correctness per tier; topic 3's cloud is never right.
    private static func binaryWindow(count: Int) -> (RepresentationReservoir, ShadowSampleWindow) {
        var fleet = SyntheticFleet(seed: 7)
        var generator = SeededGenerator(seed: 70)
        var reservoir = RepresentationReservoir(dimension: 8, capacity: count)
        var shadow = ShadowSampleWindow(dimension: 8, capacity: count)
        for index in 0..<count {
            let topic = index % 4
            var event = fleet.event(topic: topic, time: Int64(index))
            let accuracy: [(Double, Double, Double)] = [
                (0.9, 0.93, 0.95), (0.8, 0.9, 0.92), (0.5, 0.7, 0.8), (0.3, 0.4, 0),
            ]
            let (a, b, c) = accuracy[topic]
            let device: Float = generator.nextUnit() < a ? 1 : 0
            let edge: Float = generator.nextUnit() < b ? 1 : 0
            let cloud: Float = generator.nextUnit() < c ? 1 : 0
            event.shadow?.score = TierValues(device: device, edge: edge, cloud: cloud)
            event.pDevice = min(0.999, max(0, 0.5 * device + 0.5 * Float(generator.nextUnit())))
            event.pEdge = min(0.999, max(0, 0.5 * edge + 0.5 * Float(generator.nextUnit())))
            reservoir.append(event.representation)
            shadow.append(event)
        }
        return (reservoir, shadow)
    }

    @Test("the fleet's quality floor holds on the held-out samples with absolute 0/1 scores and a cloud always wrong")
    func absoluteScores() throws {
        let (reservoir, shadow) = Self.binaryWindow(count: 4_000)
        let tuner = tuner(k: 4...4)
        let clustering = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
        let proposal = try tuner.optimise(
            clustering: clustering,
            shadow: shadow,
            recent: reservoir.recent(2_000),
            previous: nil,
            severe: true
        )
        #expect(proposal.verdict == .pass)
        #expect(try #require(proposal.estimate.qualityLowerBound) >= 0.95)
        #expect(proposal.expected.costRatio < 0.9)
        #expect(proposal.clusters.allSatisfy { $0.trafficShare > 0.2 && $0.trafficShare < 0.3 })
    }

    @Test(
        "cross_fit auto (the default): one split where the split's bound is narrow (graded scores), cross-fitted where it is wide (0/1 scores, a few hundred samples)"
    )
    func crossFitWhenWide() throws {
        let tuner = tuner(k: 4...4)
        #expect(tuner.settings.crossFitting == .whenBoundWiderThan(CrossFitting.defaultWidth))
        // A cross-fitted tuning checks on every sample it uses; a split one on its held-out part.
        func crossFitted(_ proposal: ThresholdProposal) -> Bool {
            proposal.estimate.sampleCount == proposal.samplesUsed
        }
        var graded = SyntheticFleet(seed: 1)
        let (points, narrow) = graded.window(count: 4_000)
        let clustering = try tuner.recluster(points: points.snapshot(), dimension: 8, previous: nil, nextID: 0)
        let split = try tuner.optimise(clustering: clustering, shadow: narrow, previous: nil, severe: true)
        #expect(!crossFitted(split) && split.verdict == .pass)

        let (binaryPoints, wide) = Self.binaryWindow(count: 400)
        let binary = try tuner.recluster(points: binaryPoints.snapshot(), dimension: 8, previous: nil, nextID: 0)
        let fitted = try tuner.optimise(clustering: binary, shadow: wide, previous: nil, severe: true)
        #expect(crossFitted(fitted))
        // The same samples with cross_fit: false, and the graded ones with a width of 0, take the other path.
        var settings = tuner.settings
        settings.crossFitting = .never
        let never = FleetTuner(settings: settings, objective: tuner.objective)
        #expect(!crossFitted(try never.optimise(clustering: binary, shadow: wide, previous: nil, severe: true)))
        settings.crossFitting = .whenBoundWiderThan(0)
        let always = FleetTuner(settings: settings, objective: tuner.objective)
        #expect(crossFitted(try always.optimise(clustering: clustering, shadow: narrow, previous: nil, severe: true)))
    }

    @Test(
        "samples from before the last mix change weigh pre_mix_change_weight against newer ones, mean 1, held out or cross-fitted"
    )
    func preMixChangeWeights() throws {
        var settings = FleetTunerSettings()
        let sample = ShadowSampleWindow.Sample(
            pDevice: 0.5,
            pEdge: 0.5,
            outcome: ShadowOutcome(
                score: TierValues(device: 1, edge: 1, cloud: 1),
                latencyMs: TierValues(device: 1, edge: 1, cloud: 1),
                cost: TierValues(device: 1, edge: 1, cloud: 1)
            ),
            timeUnixMs: 0
        )
        let samples = FleetTuner.samples(Array(repeating: sample, count: 5))
        // Stratum 0: three older samples and one newer; stratum 1: one older sample only.
        let heldOut = FleetTuner.HeldOut(
            samples: samples,
            stratum: [0, 0, 0, 0, 1],
            previousTiers: Array(repeating: .cloud, count: 5),
            times: [10, 20, 30, 200, 40]
        )
        let cuts = ChangeCuts(mixMs: 100)
        #expect(
            FleetTuner(settings: settings, objective: .standard).withinWeights(heldOut, strata: 2, cuts: cuts) == nil
        )
        settings.preMixChangeWeight = 0.25
        let tuner = FleetTuner(settings: settings, objective: .standard)
        #expect(tuner.withinWeights(heldOut, strata: 2, cuts: .none) == nil)
        let weights = try #require(tuner.withinWeights(heldOut, strata: 2, cuts: cuts))
        // Stratum 0: raw 0.25, 0.25, 0.25, 1 (mean 0.4375); stratum 1: one sample, weight 1.
        #expect(weights.count == 5 && abs(weights[0] - 0.25 / 0.4375) < 1e-12 && abs(weights[3] - 1 / 0.4375) < 1e-12)
        #expect(abs(weights[0...3].reduce(0, +) - 4) < 1e-12 && weights[4] == 1)

        // The cross-fitted check weighs every sample the same way, through the halving's calibration set.
        let times: [[Int64]] = [[10, 20, 30, 200], [40]]
        let collected = times.map { group in
            group.map { time in
                var timed = sample
                timed.timeUnixMs = time
                return FleetTuner.CollectedSample(sample: timed, previousTier: .cloud)
            }
        }
        let perStratum = try #require(tuner.withinWeights(collected, cuts: cuts))
        #expect(perStratum.count == 2 && perStratum[0] == Array(weights[0...3]) && perStratum[1] == [1])
        var generator = SeededGenerator(seed: 1)
        let halving = CrossFittedFamily.Halving(
            strata: collected.map { FleetStratum(samples: FleetTuner.samples($0.map(\.sample)), share: 0.5) },
            bound: .normal,
            within: perStratum,
            using: &generator
        )
        for (position, origin) in halving.order.enumerated() {
            #expect(halving.calibration.within[position] == perStratum[origin.stratum][origin.index])
        }
    }

    @Test("too little data is a clear error", arguments: [FleetTunerSettings.Engine.sweep, .bayesian])
    func notEnoughData(engine: FleetTunerSettings.Engine) throws {
        var fleet = SyntheticFleet(seed: 4)
        let (reservoir, shadow) = fleet.window(count: 50)
        let tuner = tuner(engine: engine)
        #expect(throws: FleetTuner.TuningError.notEnoughPoints(have: 50, need: 100)) {
            _ = try tuner.recluster(points: reservoir.snapshot(), dimension: 8, previous: nil, nextID: 0)
        }
        let (big, _) = fleet.window(count: 400)
        let clustering = try tuner.recluster(points: big.snapshot(), dimension: 8, previous: nil, nextID: 0)
        #expect(throws: FleetTuner.TuningError.notEnoughShadowSamples(have: 50, need: 100)) {
            _ = try tuner.optimise(clustering: clustering, shadow: shadow, previous: nil, severe: true)
        }
    }
}
