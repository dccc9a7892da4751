import ConsRouteLoop
import ConsRouteModel
import ConsRouteTuning

extension ReplayRunner {
    /// Hands the queued events to the pipeline, ticks it, and publishes what it returns.
    mutating func flush(nowMs: Int64) {
        let firstQueued = eventCount - batch.count
        var searchFrom = 0
        for drift in pipeline.observe(batch) {
            // The detecting event: the first queued event (after the previous detection) with the drift's timestamp.
            let position = batch[searchFrom...].firstIndex { $0.timeUnixMs == drift.detectedAtMs } ?? searchFrom
            searchFrom = position
            drifts.append(
                ReplayReport.Drift(
                    id: drift.id,
                    kind: drift.event.kind.name,
                    atEvent: firstQueued + position,
                    detectedAtMs: drift.detectedAtMs,
                    clusterId: drift.clusterID,
                    tier: drift.tier?.description
                )
            )
        }
        batch.removeAll(keepingCapacity: true)
        lastTickMs = nowMs
        guard let outcome = pipeline.tick(nowMs: nowMs) else { return }
        guard let table = outcome.table else {
            failures.append(
                ReplayReport.Failure(
                    atEvent: eventCount,
                    atMs: nowMs,
                    trigger: outcome.trigger.provenanceText,
                    reason: outcome.failure ?? "no table"
                )
            )
            return
        }
        pipeline.didPublish(table, tuning: outcome.thresholds)
        let compiled = CompiledTable(table)
        adaptiveTable = compiled
        if frozenTable == nil {
            frozenTable = compiled
            // Every policy starts counting its figures from the first table on, from the next event.
            forEachLedger { $0.afterFirstTable = OutcomeTotals() }
            firstTableEvent = eventCount
        }
        tables.append(
            ReplayReport.Table(
                version: table.version,
                firstEvent: eventCount,
                observedEvents: Int(pipeline.observedEvents),
                publishedAtMs: nowMs,
                trigger: table.provenance.trigger,
                clusters: table.clusters.count,
                expectedQualityRatio: table.expected.qualityRatio,
                expectedLatencyRatio: table.expected.latencyRatio,
                expectedCostRatio: table.expected.costRatio,
                expectedShares: table.expected.shares,
                basis: outcome.thresholds?.verdict.basis,
                samplesUsed: outcome.thresholds?.samplesUsed,
                heldOutSamples: outcome.thresholds?.estimate.sampleCount,
                qualityLowerBound: outcome.thresholds?.estimate.qualityLowerBound,
                inForceQualityRatio: outcome.thresholds?.current.qualityRatio
            )
        )
    }

    /// Ends the current window: the oracle routes it, and every policy's window figures are recorded.
    mutating func closeWindow() {
        guard let start = windowStart, eventCount > start.event else { return }
        oracle.closeWindow()
        oracleFleet.closeWindow()
        let weights = settings.pipeline.objective
        let cloud = allCloud.window
        windows.append(
            ReplayReport.Window(
                index: windows.count,
                firstEvent: start.event,
                lastEvent: eventCount - 1,
                fromMs: start.ms,
                toMs: lastEventMs,
                tableVersion: adaptiveTable?.table.version ?? 0,
                policy: PolicyFigures(adaptive.window, cloud: cloud, weights: weights),
                static: PolicyFigures(frozen.window, cloud: cloud, weights: weights),
                oracle: PolicyFigures(oracle.ledger.window, cloud: cloud, weights: weights),
                allDevice: PolicyFigures(allDevice.window, cloud: cloud, weights: weights)
            )
        )
        forEachLedger { $0.window = OutcomeTotals() }
        windowStart = nil
    }

    /// Calls `body` on every evaluated policy's ledger: the adaptive one, the baselines, the oracles and every
    /// `periodic` variant.
    private mutating func forEachLedger(_ body: (inout PolicyLedger) -> Void) {
        for ledger in [
            \ReplayRunner.adaptive, \.frozen, \.allCloud, \.allDevice, \.oracle.ledger, \.oracleFleet.ledger,
        ] {
            body(&self[keyPath: ledger])
        }
        for index in periodic.indices { body(&periodic[index].ledger) }
    }

    /// A ledger's figures from the first adaptive table on, against all-cloud over the same events (nil before it).
    private func afterFirstTable(_ ledger: PolicyLedger) -> PolicyFigures? {
        guard let totals = ledger.afterFirstTable, let cloud = allCloud.afterFirstTable, cloud.count > 0 else {
            return nil
        }
        return PolicyFigures(totals, cloud: cloud, weights: settings.pipeline.objective)
    }

    /// Whether figures hold the quality floor; an undefined ratio (the cloud answered every event wrong) does: no
    /// event could be served below the cloud.
    private static func holds(_ figures: PolicyFigures, qMin: Double) -> Bool {
        figures.qualityRatio.isNaN || figures.qualityRatio >= qMin
    }

    /// The report of the whole run.
    func report(phases: [ScenarioPhase], wallSeconds: Double) -> ReplayReport {
        let weights = settings.pipeline.objective
        let cloud = allCloud.total
        return ReplayReport(
            fleet: fleet,
            events: eventCount,
            duplicatesSkipped: duplicatesSkipped,
            invalidSkipped: invalidSkipped,
            invalidExamples: invalidExamples,
            shadowRate: settings.shadowRate,
            windowEvents: settings.windowEvents,
            objectiveWeights: [
                "lambda_latency": weights.lambdaLatency, "lambda_cost": weights.lambdaCost, "q_min": weights.qualityMin,
                "penalty": weights.penalty,
            ],
            policy: PolicyFigures(adaptive.total, cloud: cloud, weights: weights),
            firstTableEvent: firstTableEvent,
            policyAfterFirstTable: afterFirstTable(adaptive),
            baselines: ReplayReport.Baselines(
                allCloud: PolicyFigures(cloud, cloud: cloud, weights: weights),
                allDevice: PolicyFigures(allDevice.total, cloud: cloud, weights: weights),
                static: PolicyFigures(frozen.total, cloud: cloud, weights: weights),
                staticRollingAfterFirstTable: rollingAfterFirstTable(of: staticServed),
                oracle: PolicyFigures(oracle.ledger.total, cloud: cloud, weights: weights),
                oracleFleet: PolicyFigures(oracleFleet.ledger.total, cloud: cloud, weights: weights),
                periodic: periodic.map { baseline in
                    let figures = PolicyFigures(baseline.ledger.total, cloud: cloud, weights: weights)
                    let after = afterFirstTable(baseline.ledger)
                    return ReplayReport.Periodic(
                        every: baseline.variant.every,
                        windowEvents: baseline.variant.windowEvents,
                        margin: baseline.variant.margin,
                        holdsFloor: Self.holds(figures, qMin: weights.qualityMin),
                        figures: figures,
                        holdsFloorAfterFirstTable: after.map { Self.holds($0, qMin: weights.qualityMin) },
                        afterFirstTable: after,
                        rollingAfterFirstTable: rollingAfterFirstTable(of: baseline.served)
                    )
                }
            ),
            windows: windows,
            tables: tables,
            tuningFailures: failures,
            driftEvents: drifts,
            phases: ReplayReport.recoveries(
                phases: phases.filter { $0.at < eventCount },
                windows: windows,
                qMin: weights.qualityMin
            ),
            rollingEvents: settings.rollingEvents,
            rolling: rolling.recoveries(
                phases: phases.filter { $0.at < eventCount },
                length: settings.rollingEvents,
                step: max(1, settings.rollingEvents / 20),
                qMin: weights.qualityMin,
                holdShare: 1 - settings.pipeline.tuner.alpha
            ),
            rollingAfterFirstTable: rollingAfterFirstTable(of: nil),
            wallSeconds: wallSeconds
        )
    }

    /// The rolling windows from the first adaptive table on of the policy serving `served` per event (nil: the
    /// adaptive policy); nil when there is no table, or too few events after it.
    private func rollingAfterFirstTable(of served: [Float]?) -> ReplayReport.RollingSpan? {
        firstTableEvent.flatMap {
            rolling.span(
                of: served ?? rolling.served,
                from: $0,
                length: settings.rollingEvents,
                step: max(1, settings.rollingEvents / 20),
                qMin: settings.pipeline.objective.qualityMin
            )
        }
    }
}
