package import ConsRouteLoop
package import ConsRouteModel
package import ConsRouteTuning
package import Dispatch
import Synchronization

/// One fleet's `FleetPipeline`, confined to a serial dispatch queue of its own: observing events and adopting
/// tables run there, one at a time, never on the cooperative pool. A tuning (seconds of CPU when
/// re-clustering) runs on a copy of the pipeline on a second queue, so observation goes on meanwhile; drift
/// seen during a tuning becomes the next trigger. Callers `await` each step; the fleet's `FleetController` is the
/// one caller, and orders the steps (docs/design.md §9).
package final class FleetLoop: Sendable {
    /// What the status endpoint and the metrics read, refreshed after every step (never waits for a tuning).
    package struct Snapshot: Sendable {
        package var tableVersion: UInt64?
        package var lastVersion: UInt64
        package var isPaused: Bool
        package var pending: TriggerKind?
        package var observedEvents: Int64
        package var windowEvents: Int
        package var windowShadowSamples: Int
        /// The oldest event time in the window (nil before any event).
        package var windowFromMs: Int64?
        package var recent: RecentOutcomes
        package var driftLevels: FleetDriftMonitor.Levels?
        package var expected: ExpectedOutcome?
        package var isTuning: Bool
        /// The canary being compared with the active table (nil when none runs).
        package var canaryVersion: UInt64?
    }

    package let settings: FleetPipelineSettings
    private let queue: DispatchQueue
    private let tuningQueue: DispatchQueue
    /// The pipeline and the recent outcomes of its events, touched only on `queue`; the lock is never contended
    /// and only satisfies the compiler.
    private let state: Mutex<(pipeline: FleetPipeline, recent: RecentOutcomes)>
    private let published: Mutex<Snapshot>

    /// - Parameters:
    ///   - settings: the fleet's loop settings.
    ///   - current: the fleet's table in effect (from history), if any.
    ///   - lastVersion: the highest version the fleet ever had.
    ///   - tuningQueue: where tunings run (nil: a serial queue of the fleet's own; tests pass one they can suspend).
    package init(
        settings: FleetPipelineSettings,
        current: ThresholdTable?,
        lastVersion: UInt64,
        tuningQueue: DispatchQueue? = nil
    ) {
        self.settings = settings
        let pipeline = FleetPipeline(settings: settings, current: current, lastVersion: lastVersion)
        queue = DispatchQueue(label: "consroute.fleet.\(settings.metadata.fleet)")
        self.tuningQueue = tuningQueue ?? DispatchQueue(label: "consroute.fleet.\(settings.metadata.fleet).tuning")
        state = Mutex((pipeline, RecentOutcomes()))
        published = Mutex(Self.snapshot(of: pipeline, recent: RecentOutcomes(), driftLevels: pipeline.driftLevels))
    }

    /// The fleet's name.
    package var fleet: String { settings.metadata.fleet }

    /// The latest snapshot.
    package var snapshot: Snapshot { published.withLock { $0 } }

    /// Feeds accepted (or replayed) events; returns the drifts detected.
    package func observe(_ events: [TelemetryEvent], isReplay: Bool) async -> [FleetPipeline.DetectedDrift] {
        await run { state in
            if !isReplay { for event in events { state.recent.add(event) } }
            return state.pipeline.observe(events, isReplay: isReplay)
        }
    }

    /// A tuning taken from the pipeline: a copy of the pipeline as it was then, the trigger and the run id.
    package struct DueTuning: Sendable {
        fileprivate let pipeline: FleetPipeline
        fileprivate let runID: String
        fileprivate let nowMs: Int64
        package let trigger: FleetPipeline.Trigger
    }

    /// Takes the tuning that is due, if any (see `FleetPipeline.takeDueTuning`); until `tuningFinished`, no other is
    /// taken.
    package func takeDueTuning(nowMs: Int64) async -> DueTuning? {
        // The drift levels (a scan of every detector) are refreshed here, once per tick, not per observed batch.
        await run(refreshingDriftLevels: true) { state -> DueTuning? in
            guard let (trigger, runID) = state.pipeline.takeDueTuning(nowMs: nowMs) else { return nil }
            return DueTuning(pipeline: state.pipeline, runID: runID, nowMs: nowMs, trigger: trigger)
        }
    }

    /// Runs a tuning taken with `takeDueTuning` on its copy of the pipeline, on the tuning queue: observation goes
    /// on meanwhile, and drift seen during the tuning becomes the next trigger.
    package func tune(_ due: DueTuning) async -> FleetPipeline.TuningOutcome {
        await withCheckedContinuation { continuation in
            tuningQueue.async {
                continuation.resume(returning: due.pipeline.tune(due.trigger, runID: due.runID, nowMs: due.nowMs))
            }
        }
    }

    /// Adopts a table that was published.
    package func didPublish(_ table: ThresholdTable, tuning: ThresholdProposal? = nil) async {
        await run { $0.pipeline.didPublish(table, tuning: tuning) }
    }

    /// Reports that the tuning `takeDueTuning` took is over (its table, if any, adopted first).
    package func tuningFinished() async {
        await run { $0.pipeline.tuningFinished() }
    }

    /// Asks for a re-tune at the next tick.
    package func requestRetune(nowMs: Int64, recluster: Bool) async {
        await run { $0.pipeline.requestRetune(nowMs: nowMs, recluster: recluster) }
    }

    /// The all-cloud means of the shadow window, which a canary comparison normalises by; nil when it is empty.
    package func cloudReference() async -> CanaryObjective.Reference? {
        await run { $0.pipeline.cloudReference }
    }

    /// Pauses or resumes tuning.
    package func setPaused(_ paused: Bool) async {
        await run { $0.pipeline.setPaused(paused) }
    }

    private func run<T: Sendable>(
        refreshingDriftLevels: Bool = false,
        _ body: @escaping @Sendable (inout (pipeline: FleetPipeline, recent: RecentOutcomes)) -> T
    ) async -> T {
        await withCheckedContinuation { continuation in
            queue.async {
                let previousLevels = self.published.withLock { $0.driftLevels }
                // The snapshot is taken inside the lock: a copy of the pipeline kept past it would make the next
                // append copy the whole reservoir.
                let (result, snapshot) = self.state.withLock { state in
                    let result = body(&state)
                    let levels = refreshingDriftLevels ? state.pipeline.driftLevels : previousLevels
                    return (result, Self.snapshot(of: state.pipeline, recent: state.recent, driftLevels: levels))
                }
                self.published.withLock { $0 = snapshot }
                continuation.resume(returning: result)
            }
        }
    }

    private static func snapshot(
        of pipeline: FleetPipeline,
        recent: RecentOutcomes,
        driftLevels: FleetDriftMonitor.Levels?
    ) -> Snapshot {
        Snapshot(
            tableVersion: pipeline.table?.version,
            lastVersion: pipeline.lastVersion,
            isPaused: pipeline.isPaused,
            pending: pipeline.pending?.kind,
            observedEvents: pipeline.observedEvents,
            windowEvents: pipeline.reservoir.count,
            windowShadowSamples: pipeline.shadow.count,
            windowFromMs: pipeline.windowFromMs,
            recent: recent,
            driftLevels: driftLevels,
            expected: pipeline.table?.expected,
            isTuning: pipeline.isTuningInFlight,
            canaryVersion: pipeline.canaryVersion
        )
    }
}
