import ConsRouteLoop
package import ConsRouteModel
import ConsRouteStore
import Logging
import Prometheus
import Synchronization

/// The staged rollout (docs/design.md §6.7): a tuned table published as a canary is compared with the active table on the
/// shadow samples of the devices that applied each (`TelemetryEvent.tableVersion`), then promoted (its content
/// published as the next active version) or rolled back (the active content published again as the next version).
/// Every step is recorded in history; tunings wait while a canary runs.
extension FleetController {
    /// The canary being compared with the active table, if one runs.
    package var runningCanary: CanaryRun? { canary.withLock { $0 } }

    /// Feeds the shadow samples of `events` to the running canary's comparison: the canary arm for devices that
    /// applied the canary, the control arm for devices that applied the active table it is compared with.
    func observeCanary(_ events: [TelemetryEvent]) {
        canary.withLock { run in
            guard let version = run?.version, let control = run?.controlVersion else { return }
            for event in events {
                guard let shadow = event.shadow else { continue }
                let arm: CanaryComparison.Arm
                switch event.tableVersion {
                case version: arm = .canary
                case control: arm = .control
                default: continue
                }
                run?.comparison.add(shadow, servedBy: event.tier, arm: arm)
            }
        }
    }

    /// Starts comparing a canary just published with the active table `controlVersion`, and records the start.
    func startCanary(_ table: ThresholdTable, controlVersion: UInt64, runID: String, now: Int64) async throws {
        let run = await newRun(table, controlVersion: controlVersion, startedAtMs: now)
        canary.withLock { $0 = run }
        metrics?.canaryVersion(fleet: fleet).set(Double(table.version))
        logger.info(
            "canary started",
            metadata: ["fleet": "\(fleet)", "version": "\(table.version)", "percent": "\(table.rollout.percent)"]
        )
        try await store.recordRolloutEvent(
            RolloutEventRecord(
                fleet: fleet,
                canaryVersion: table.version,
                step: .started,
                decidedAt: now,
                initiator: .controller,
                controlVersion: controlVersion,
                percent: table.rollout.percent,
                resultVersion: nil,
                reason: "tuning run \(runID)",
                figures: nil
            )
        )
    }

    /// Resumes the comparison of a canary found in history at start (its samples start again from zero; its maximum
    /// duration counts from its publication).
    ///
    /// - Parameters:
    ///   - table: the canary table, already in the cache.
    ///   - controlVersion: the active version it is compared with.
    package func resumeCanary(_ table: ThresholdTable, controlVersion: UInt64) async {
        await actions.run {
            await loop.didPublish(table)
            let run = await newRun(table, controlVersion: controlVersion, startedAtMs: table.createdAtMs)
            canary.withLock { $0 = run }
            metrics?.canaryVersion(fleet: fleet).set(Double(table.version))
        }
    }

    private func newRun(_ table: ThresholdTable, controlVersion: UInt64, startedAtMs: Int64) async -> CanaryRun {
        // The window cannot be empty after a tuning; without shadow samples the comparison is on quality alone.
        let reference =
            await loop.cloudReference()
            ?? CanaryObjective.Reference(qualityCloud: 1, latencyCloudMs: 0, costCloud: 0)
        let comparison = CanaryComparison(
            settings: loop.settings.rollout,
            objective: CanaryObjective(weights: loop.settings.objective, reference: reference)
        )
        return CanaryRun(
            version: table.version,
            controlVersion: controlVersion,
            percent: table.rollout.percent,
            startedAtMs: startedAtMs,
            comparison: comparison
        )
    }

    /// Promotes the running canary now, whatever the test says (`POST /promote`).
    ///
    /// - Returns: the new active table, with the canary's content.
    /// - Throws: `AdminActionError.conflict` when no canary runs; history and publication errors.
    package func promoteCanary() async throws -> SignedTable {
        try await actions.run {
            try requireOwnership()
            guard let run = canary.withLock({ $0.take() }) else {
                throw AdminActionError.conflict("fleet \(fleet) has no canary to promote (no canary is running)")
            }
            return try await end(run, step: .promoted, initiator: .operator, reason: "operator promotion", now: clock())
        }
    }

    /// Looks at the running canary's test: promotes or rolls back when it has decided (or timed out). A paused
    /// fleet publishes nothing on its own (docs/design.md §6.6), so the decision waits for `resume`; an operator can still
    /// promote or roll back.
    ///
    /// - Returns: the table published, if the canary ended.
    func decideCanary(nowMs: Int64) async throws -> SignedTable? {
        guard !loop.snapshot.isPaused else { return nil }
        let look = canary.withLock { run -> (CanaryRun, CanaryComparison.Verdict)? in
            guard let current = run else { return nil }
            let verdict = current.comparison.verdict(elapsedMs: nowMs - current.startedAtMs)
            if verdict != .undecided { run = nil }
            return (current, verdict)
        }
        guard let (run, verdict) = look else { return nil }
        let figures = run.comparison.figures
        let margin = run.comparison.settings.margin
        switch verdict {
        case .undecided:
            logDeferral(run)
            return nil
        case .promote:
            return try await end(
                run,
                step: .promoted,
                initiator: .controller,
                reason: "sequential test: lower bound \(figures.lowerBound) of canary - control >= -margin -\(margin)",
                now: nowMs
            )
        case .inferior:
            return try await end(
                run,
                step: .rolledBack,
                initiator: .controller,
                reason: "sequential test: upper bound \(figures.upperBound) of canary - control < -margin -\(margin)",
                now: nowMs
            )
        case .timedOut:
            return try await end(
                run,
                step: .rolledBack,
                initiator: .controller,
                reason: "no decision within \(run.comparison.settings.maximumDurationMs / 1_000) s",
                now: nowMs
            )
        }
    }

    /// Publishes the canary's content (promotion) or the control's (rollback) as the next active version, then
    /// records the step; a failed publication puts the canary back so that the next look tries again.
    private func end(
        _ run: CanaryRun,
        step: RolloutStep,
        initiator: RolloutInitiator,
        reason: String,
        now: Int64
    ) async throws -> SignedTable {
        let signed: SignedTable
        do {
            signed = try await republish(
                contentOf: step == .promoted ? run.version : run.controlVersion,
                provenanceTrigger: nil,
                trigger: nil,
                now: now
            )
        } catch {
            canary.withLock { if $0 == nil { $0 = run } }
            throw error
        }
        try await finishCanary(run, step: step, initiator: initiator, reason: reason, published: signed, now: now)
        return signed
    }

    /// Records how a canary ended (its status, the step with the test's figures, the metrics); `published` is the
    /// active table that replaced it.
    func finishCanary(
        _ run: CanaryRun,
        step: RolloutStep,
        initiator: RolloutInitiator,
        reason: String,
        published: SignedTable,
        now: Int64
    ) async throws {
        // Publishing an active table superseded the canary; a rollback says why it went.
        if step == .rolledBack {
            try await store.updateTableStatus(fleet: fleet, version: run.version, to: .rolledBack)
        }
        let figures = run.comparison.figures
        metrics?.canaryVersion(fleet: fleet).set(0.0)
        metrics?.canaryDecisions(fleet: fleet, step: step.rawValue, initiator: initiator.rawValue).increment()
        logger.notice(
            step == .promoted ? "canary promoted" : "canary rolled back",
            metadata: [
                "fleet": "\(fleet)", "canary": "\(run.version)", "version": "\(published.table.version)",
                "by": "\(initiator.rawValue)", "reason": "\(reason)",
            ]
        )
        try await store.recordRolloutEvent(
            RolloutEventRecord(
                fleet: fleet,
                canaryVersion: run.version,
                step: step,
                decidedAt: now,
                initiator: initiator,
                controlVersion: run.controlVersion,
                percent: run.percent,
                resultVersion: published.table.version,
                reason: reason,
                figures: RolloutFigures(
                    canarySamples: Int64(figures.canary.count),
                    canaryMean: figures.canary.mean,
                    controlSamples: Int64(figures.control.count),
                    controlMean: figures.control.mean,
                    lowerBound: figures.lowerBound,
                    upperBound: figures.upperBound
                )
            )
        )
    }

    /// Logs, once per canary, that a tuning waits for it (its trigger stays pending).
    private func logDeferral(_ run: CanaryRun) {
        guard let pending = loop.snapshot.pending, !run.deferralLogged else { return }
        canary.withLock { if $0?.version == run.version { $0?.deferralLogged = true } }
        logger.notice(
            "tuning deferred until the canary is decided",
            metadata: ["fleet": "\(fleet)", "canary": "\(run.version)", "trigger": "\(pending.rawValue)"]
        )
    }
}
