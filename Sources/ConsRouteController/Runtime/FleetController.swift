import ConsRouteLoop
package import ConsRouteModel
package import ConsRouteStore
import ConsRouteTuning
import Foundation
package import Logging
import Prometheus
import Synchronization

/// The one owner of a fleet inside a replica (docs/design.md §6, §9): its loop, its canary, its publications and
/// the operator's actions on it. It feeds the loop telemetry, records every drift event, run and tuning decision in
/// history with its inputs and outputs, publishes the tables it produces, and carries out operator requests.
///
/// Every action on the fleet runs through one first-in, first-out gate, one at a time and whole: ingesting a batch,
/// a tick (a canary decision, taking a due tuning, publishing its outcome), a rollback, a promotion, pausing,
/// resuming, a re-tune request, and adopting a table another replica published. A tuning's computation (seconds of
/// CPU) runs outside the gate on a copy of the pipeline, so ingestion goes on meanwhile; its outcome is published
/// inside the gate only if no other table was published and the fleet was not paused since the tuning was taken,
/// otherwise it is recorded as superseded. So the version of every table of the fleet is decided in one place
/// (`TablePublisher.publish`, called only from here) and no two publications of the fleet interleave.
package final class FleetController: Sendable {
    package let loop: FleetLoop
    let publisher: TablePublisher
    let store: HistoryStore
    let metrics: ControllerMetrics?
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// Which fleets this replica owns (nil: one controller owns every fleet).
    package let ownership: FleetOwnership?
    private let driftEvents = Mutex(0)
    /// Orders every action on the fleet (see the type's documentation).
    let actions = SerialGate()
    /// The replica that published the newest table this replica knows, and that version.
    private let publisherOfNewest = Mutex<(replica: String, version: UInt64)?>(nil)
    /// The canary being compared with the active table, if one runs (see `FleetController+Canary`).
    let canary = Mutex<CanaryRun?>(nil)

    /// - Parameters:
    ///   - loop: the fleet's pipeline.
    ///   - publisher: signs, stores and distributes tables.
    ///   - store: where drift events and runs are written.
    ///   - metrics: the controller's metrics.
    ///   - logger: for tuning and publication notices.
    ///   - clock: Unix milliseconds now.
    package init(
        loop: FleetLoop,
        publisher: TablePublisher,
        store: HistoryStore,
        metrics: ControllerMetrics?,
        logger: Logger,
        ownership: FleetOwnership? = nil,
        clock: @escaping WallClock.Source = WallClock.system
    ) {
        self.ownership = ownership
        self.loop = loop
        self.publisher = publisher
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
    }

    package var fleet: String { loop.fleet }

    /// Whether this replica tunes and publishes the fleet now (docs/design.md §9).
    package var isOwned: Bool { ownership?.owns(fleet) ?? true }

    /// Drift events detected since start.
    package var driftEventCount: Int { driftEvents.withLock { $0 } }

    /// Feeds a batch of the fleet's events; records the drifts they raised.
    ///
    /// - Throws: history errors (the events were observed; only the drift records failed).
    package func ingest(_ events: [TelemetryEvent], isReplay: Bool) async throws {
        try await actions.run { try await observe(events, isReplay: isReplay) }
    }

    private func observe(_ events: [TelemetryEvent], isReplay: Bool) async throws {
        let drifts = await loop.observe(events, isReplay: isReplay)
        if !isReplay { observeCanary(events) }
        guard !drifts.isEmpty else { return }
        driftEvents.withLock { $0 += drifts.count }
        let windowStart = loop.snapshot.windowFromMs
        for drift in drifts {
            metrics?.driftEvents(fleet: fleet, kind: drift.event.kind.name).increment()
            logger.info(
                "drift detected",
                metadata: [
                    "fleet": "\(fleet)", "kind": "\(drift.event.kind.name)", "id": "\(drift.id)",
                    "statistic": "\(drift.event.statistic)", "threshold": "\(drift.event.threshold)",
                ]
            )
            do {
                try await store.recordDriftEvent(record(drift, windowStart: windowStart ?? drift.detectedAtMs))
            } catch HistoryStoreError.duplicateRecordID where isReplay {
                // Found again by a replay of events this history already saw being monitored (after a restart):
                // recorded the first time.
            }
        }
    }

    /// Runs a due tuning; records its runs, publishes its table, and records the decision (published with the
    /// version, rejected by a guardrail, or failed, with the reason).
    ///
    /// - Returns: the published table, if one was published.
    /// - Throws: history or publication errors.
    /// Not reentrant: one caller ticks a fleet (the loop service), and awaits each tick before the next.
    @discardableResult
    package func tick() async throws -> SignedTable? {
        // Another replica owns the fleet: it tunes and publishes; this one follows its tables.
        guard isOwned else { return nil }
        let now = clock()
        let start = try await actions.run { () async throws -> TickStart in
            if let decided = try await decideCanary(nowMs: now) { return .decided(decided) }
            guard let due = await loop.takeDueTuning(nowMs: now) else { return .idle }
            return .tuning(due, basis: loop.snapshot.lastVersion)
        }
        let due: FleetLoop.DueTuning
        let basis: UInt64
        switch start {
        case .idle: return nil
        case .decided(let table): return table
        case .tuning(let taken, let version): (due, basis) = (taken, version)
        }
        let outcome = await loop.tune(due)
        return try await actions.run {
            do {
                let published = try await handle(outcome, now: now, superseded: supersession(since: basis))
                await loop.tuningFinished()
                return published
            } catch {
                await loop.tuningFinished()
                throw error
            }
        }
    }

    /// What the first step of a tick found.
    private enum TickStart {
        case idle
        /// The running canary was promoted or rolled back: this table was published.
        case decided(SignedTable)
        /// A tuning is due; `basis` is the fleet's newest version when it was taken.
        case tuning(FleetLoop.DueTuning, basis: UInt64)
    }

    /// Why a tuning taken when the fleet's newest version was `basis` must not be published now (nil: it may): a
    /// table published since (an operator's rollback or promotion, another replica's table), or a pause.
    private func supersession(since basis: UInt64) -> String? {
        let snapshot = loop.snapshot
        if snapshot.lastVersion > basis {
            return "superseded: v\(snapshot.lastVersion) was published while the tuning ran (it started from v\(basis))"
        }
        if snapshot.isPaused { return "superseded: the fleet was paused while the tuning ran" }
        return nil
    }

    private func handle(_ outcome: FleetPipeline.TuningOutcome, now: Int64, superseded: String?) async throws
        -> SignedTable?
    {
        let trigger = Self.historyTrigger(outcome.trigger)
        try await recordRuns(outcome, trigger: trigger, startedAt: now)
        let triggerLabel = outcome.trigger.kind.rawValue
        guard let table = outcome.table, superseded == nil else {
            let result: TuningDecisionResult = outcome.thresholds == nil ? .failed : .rejected
            let reason = outcome.failure ?? superseded ?? "the tuning produced no table"
            metrics?.tuningRuns(fleet: fleet, trigger: triggerLabel, result: result.rawValue).increment()
            logger.notice(
                "tuning published nothing",
                metadata: ["fleet": "\(fleet)", "trigger": "\(triggerLabel)", "reason": "\(reason)"]
            )
            try await recordDecision(outcome, trigger: trigger, result: result, reason: reason, version: nil)
            return nil
        }
        let signed: SignedTable
        do {
            signed = try await publisher.publish(table, trigger: trigger)
        } catch {
            metrics?.tuningRuns(fleet: fleet, trigger: triggerLabel, result: TuningDecisionResult.failed.rawValue)
                .increment()
            do {
                try await recordDecision(
                    outcome,
                    trigger: trigger,
                    result: .failed,
                    reason: "publication: \(error)",
                    version: nil
                )
            } catch let recordError {
                // The publication error is the one the caller must see; the history failure is only logged.
                logger.error(
                    "tuning decision not recorded",
                    metadata: ["fleet": "\(fleet)", "error": "\(recordError)"]
                )
            }
            throw error
        }
        metrics?.tuningRuns(fleet: fleet, trigger: triggerLabel, result: TuningDecisionResult.published.rawValue)
            .increment()
        let controlVersion = loop.snapshot.tableVersion
        notePublished(signed.table.version)
        await loop.didPublish(signed.table, tuning: outcome.thresholds)
        if signed.table.rollout.stage == .canary, let controlVersion {
            try await startCanary(signed.table, controlVersion: controlVersion, runID: outcome.runID, now: now)
        }
        logger.info(
            "table published",
            metadata: [
                "fleet": "\(fleet)", "version": "\(signed.table.version)",
                "trigger": "\(outcome.trigger.provenanceText)",
                "clusters": "\(signed.table.clusters.count)", "quality_ratio": "\(signed.table.expected.qualityRatio)",
            ]
        )
        try await recordDecision(
            outcome,
            trigger: trigger,
            result: .published,
            reason: "",
            version: signed.table.version
        )
        return signed
    }

    /// Publishes a new version with the content of `version` (docs/design.md §5: a rollback is a new version). A running
    /// canary ends: it is marked rolled back, and the step is recorded as the operator's.
    ///
    /// - Throws: `AdminActionError.unknownVersion` if history has no such table.
    package func rollback(to version: UInt64) async throws -> SignedTable {
        try await actions.run { try await publishRollback(to: version) }
    }

    private func publishRollback(to version: UInt64) async throws -> SignedTable {
        try requireOwnership()
        let now = clock()
        let signed = try await republish(
            contentOf: version,
            provenanceTrigger: "operator:rollback to v\(version)",
            trigger: .operatorRequest(note: "rollback to v\(version)"),
            now: now
        )
        if let run = canary.withLock({ $0.take() }) {
            try await finishCanary(
                run,
                step: .rolledBack,
                initiator: .operator,
                reason: "operator rollback to v\(version)",
                published: signed,
                now: now
            )
        }
        logger.notice(
            "rolled back",
            metadata: ["fleet": "\(fleet)", "to": "\(version)", "version": "\(signed.table.version)"]
        )
        return signed
    }

    /// Publishes the content of the stored table `version` as the fleet's next active version.
    ///
    /// - Parameters:
    ///   - version: the table whose content is published again.
    ///   - provenanceTrigger: the new `provenance.trigger`, or nil to keep the content's.
    ///   - trigger: the history trigger of the new version, or nil for the stored table's.
    ///   - now: Unix milliseconds now (the new `created_at`).
    /// - Throws: `AdminActionError.unknownVersion` if history has no such table; history and signing errors.
    func republish(
        contentOf version: UInt64,
        provenanceTrigger: String?,
        trigger: HistoryTrigger?,
        now: Int64
    ) async throws -> SignedTable {
        guard let record = try await store.table(fleet: fleet, version: version) else {
            throw AdminActionError.unknownVersion(fleet: fleet, version: version)
        }
        var table = try record.signedTable().table
        table.createdAtMs = now
        table.expiresAtMs = now + loop.settings.metadata.lifetimeMs
        table.rollout = .active
        if let provenanceTrigger { table.provenance.trigger = provenanceTrigger }
        let signed = try await publisher.publish(table, trigger: trigger ?? record.trigger)
        notePublished(signed.table.version)
        await loop.didPublish(signed.table)
        return signed
    }

    /// The replica that published the newest table known here, and its version (nil before one was seen).
    package var newestPublisher: (replica: String, version: UInt64)? { publisherOfNewest.withLock { $0 } }

    private func notePublisher(_ replica: String, version: UInt64) {
        publisherOfNewest.withLock { newest in
            if version >= newest?.version ?? 0 { newest = (replica, version) }
        }
    }

    /// Records that this replica published `version`.
    func notePublished(_ version: UInt64) {
        if let ownership { notePublisher(ownership.replicaID, version: version) }
    }

    /// Asks for a re-tune at the next tick (an operator's request; the owner only).
    ///
    /// - Throws: `AdminActionError.conflict` when another replica owns the fleet or the fleet is paused.
    package func requestRetune(recluster: Bool = false) async throws {
        try await actions.run {
            try requireOwnership()
            guard !loop.snapshot.isPaused else {
                throw AdminActionError.conflict("fleet \(fleet) is paused; resume it first")
            }
            await loop.requestRetune(nowMs: clock(), recluster: recluster)
        }
    }

    /// Pauses or resumes tuning and publication (the owner only); observation goes on. A tuning running when the
    /// fleet is paused is not published.
    ///
    /// - Throws: `AdminActionError.conflict` when another replica owns the fleet.
    package func setPaused(_ paused: Bool) async throws {
        try await actions.run {
            try requireOwnership()
            await loop.setPaused(paused)
        }
    }

    /// Admin actions run on the fleet's owner only.
    ///
    /// - Throws: `AdminActionError.conflict` naming why this replica does not own the fleet.
    func requireOwnership() throws {
        guard let ownership else { return }
        let status = ownership.status(of: fleet)
        guard !status.owned else { return }
        throw AdminActionError.conflict(
            "this replica (\(ownership.replicaID)) does not own fleet \(fleet): "
                + "\(status.reason ?? "another replica owns it"); send the action to the replica that owns it "
                + "(its /v1/fleets/\(fleet)/status says owned: true)"
        )
    }

    /// Records a table another replica published (read from the tables topic) if it is newer than any here: in
    /// history, in the cache the API serves, and in the loop, so a takeover starts from it (docs/design.md §9).
    ///
    /// - Returns: whether the table was newer and adopted.
    @discardableResult
    package func follow(_ signed: SignedTable, publishedBy: String? = nil) async throws -> Bool {
        try await actions.run { try await adopt(signed, publishedBy: publishedBy) }
    }

    private func adopt(_ signed: SignedTable, publishedBy: String?) async throws -> Bool {
        let version = signed.table.version
        if let publishedBy { notePublisher(publishedBy, version: version) }
        guard version > (await publisher.latestVersion(fleet: fleet)) else { return false }
        if try await store.table(fleet: fleet, version: version) == nil {
            try await Controller.adoptFromTopic(signed, store: store)
        }
        guard try await publisher.follow(signed) else { return false }
        await loop.didPublish(signed.table)
        logger.info(
            "table followed from the tables topic",
            metadata: ["fleet": "\(fleet)", "version": "\(version)", "owned_here": "\(isOwned)"]
        )
        return true
    }

    // MARK: History records

    static func historyTrigger(_ trigger: FleetPipeline.Trigger) -> HistoryTrigger {
        switch trigger.kind {
        case .bootstrap: .bootstrap
        case .drift: trigger.driftEventIDs.first.map { .drift(eventID: $0) } ?? .schedule
        case .schedule: .schedule
        case .operatorRequest: .operatorRequest(note: "retune")
        }
    }

    /// The history trigger a table's `provenance.trigger` text names (for tables another replica published): the
    /// inverse of `Trigger.provenanceText`, with an operator's text kept as the note.
    static func historyTrigger(provenance text: String) -> HistoryTrigger {
        if text == TriggerKind.bootstrap.rawValue { return .bootstrap }
        if text == TriggerKind.schedule.rawValue { return .schedule }
        let drift = TriggerKind.drift.rawValue + ":"
        if text.hasPrefix(drift), let first = text.dropFirst(drift.count).split(separator: ",").first {
            return .drift(eventID: String(first))
        }
        return .operatorRequest(note: text)
    }

    private func record(_ drift: FleetPipeline.DetectedDrift, windowStart: Int64) -> DriftEventRecord {
        let detector: String
        let action: String
        switch drift.event.kind {
        case .occupancy: (detector, action) = ("chi-square", "recluster")
        case .novelty: (detector, action) = ("adwin", "recluster")
        case .outcome: (detector, action) = ("adwin", "reoptimise cluster \(drift.clusterID.map(String.init) ?? "?")")
        case .latency, .cost: (detector, action) = ("page-hinkley", "reoptimise all clusters")
        case .quality: (detector, action) = ("quality-floor", "reoptimise all clusters")
        }
        return DriftEventRecord(
            id: drift.id,
            fleet: fleet,
            detectedAt: drift.detectedAtMs,
            detector: detector,
            signal: drift.event.kind.name,
            cluster: drift.clusterID,
            tier: drift.tier,
            statistic: drift.event.statistic,
            threshold: drift.event.threshold,
            window: DataWindow(start: min(windowStart, drift.detectedAtMs), end: drift.detectedAtMs),
            action: action
        )
    }

    /// The telemetry a tuning was computed on, as history stores it.
    private static func window(of outcome: FleetPipeline.TuningOutcome) -> DataWindow {
        DataWindow(start: min(outcome.windowFromMs, outcome.windowToMs), end: outcome.windowToMs)
    }

    /// Writes the one decision a tuning outcome has: its table's version, or why it has none, with the proposal's
    /// predicted ratios when the optimiser got that far.
    private func recordDecision(
        _ outcome: FleetPipeline.TuningOutcome,
        trigger: HistoryTrigger,
        result: TuningDecisionResult,
        reason: String,
        version: UInt64?
    ) async throws {
        let proposal = outcome.thresholds
        let expected = proposal?.expected
        try await store.recordTuningDecision(
            TuningDecisionRecord(
                runID: outcome.runID,
                fleet: fleet,
                trigger: trigger,
                decidedAt: clock(),
                result: result,
                reason: reason,
                tableVersion: version,
                qualityRatio: expected?.qualityRatio,
                latencyRatio: expected?.latencyRatio,
                costRatio: expected?.costRatio,
                window: Self.window(of: outcome),
                basis: proposal?.verdict.basis,
                alpha: proposal?.alpha,
                candidate: proposal.map { DecisionFigures($0.estimate) },
                current: proposal.map { DecisionFigures($0.current) }
            )
        )
    }

    private func recordRuns(_ outcome: FleetPipeline.TuningOutcome, trigger: HistoryTrigger, startedAt: Int64)
        async throws
    {
        let window = Self.window(of: outcome)
        if let clustering = outcome.clustering {
            metrics?.reclusterDuration(fleet: fleet).record(clustering.seconds)
            let new = Set(clustering.newIDs)
            try await store.recordReclusterRun(
                ReclusterRunRecord(
                    id: outcome.runID + "/recluster",
                    fleet: fleet,
                    startedAt: startedAt,
                    duration: .milliseconds(clustering.seconds * 1_000),
                    trigger: trigger,
                    kBefore: clustering.clusterCountBefore,
                    kAfter: clustering.clusterCount,
                    inertia: max(0, clustering.inertia),
                    matchedClusters: clustering.ids.filter { !new.contains($0) },
                    newClusters: clustering.newIDs,
                    retiredClusters: clustering.retiredIDs,
                    window: window
                )
            )
        }
        guard let proposal = outcome.thresholds else { return }
        metrics?.optimiserDuration(fleet: fleet).record(proposal.seconds)
        for report in proposal.clusters {
            let runID = "\(outcome.runID)/cluster/\(report.id)"
            let best = report.trials.max { $0.objective < $1.objective }
            try await store.recordOptimiserRun(
                OptimiserRunRecord(
                    id: runID,
                    fleet: fleet,
                    cluster: report.id,
                    engine: proposal.engine.rawValue,
                    trigger: trigger,
                    startedAt: startedAt,
                    duration: .milliseconds(proposal.seconds * 1_000),
                    tDevice: Double(report.final.device),
                    tEdge: Double(report.final.edge),
                    objective: best?.objective ?? 0,
                    qualityRatio: report.heldOutQualityRatio ?? proposal.expected.qualityRatio,
                    latencyRatio: proposal.expected.latencyRatio,
                    costRatio: proposal.expected.costRatio
                ),
                trials: report.trials.enumerated().map { index, trial in
                    OptimiserTrialRecord(
                        iteration: index,
                        tDevice: Double(trial.tDevice),
                        tEdge: Double(trial.tEdge),
                        objective: trial.objective
                    )
                }
            )
        }
    }
}
