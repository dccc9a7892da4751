public import ConsRouteModel
public import ConsRouteTuning
import Dispatch
import Synchronization

/// One fleet's `FleetPipeline`, confined to a serial dispatch queue of its own: observing events and adopting
/// tables run there, one at a time, never on the cooperative pool. A tuning (seconds of CPU when
/// re-clustering) runs on a copy of the pipeline on a second queue, so observation goes on meanwhile; drift
/// seen during a tuning becomes the next trigger. Callers `await` each step.
public final class FleetLoop: Sendable {
    /// What the status endpoint and the metrics read, refreshed after every step (never waits for a tuning).
    public struct Snapshot: Sendable {
        public var tableVersion: UInt64?
        public var lastVersion: UInt64
        public var isPaused: Bool
        public var pending: FleetPipeline.TriggerKind?
        public var observedEvents: Int64
        public var windowEvents: Int
        public var windowShadowSamples: Int
        /// The oldest event time in the window (nil before any event).
        public var windowFromMs: Int64?
        public var recent: RecentOutcomes
        public var driftLevels: FleetDriftMonitor.Levels?
        public var expected: ExpectedOutcome?
        public var isTuning: Bool
    }

    public let settings: FleetPipelineSettings
    private let queue: DispatchQueue
    private let tuningQueue: DispatchQueue
    /// Touched only on `queue`; the lock is never contended and only satisfies the compiler.
    private let pipeline: Mutex<FleetPipeline>
    private let recent: Mutex<RecentOutcomes>
    private let published: Mutex<Snapshot>

    /// - Parameters:
    ///   - settings: the fleet's loop settings.
    ///   - current: the fleet's table in effect (from history), if any.
    ///   - lastVersion: the highest version the fleet ever had.
    public init(settings: FleetPipelineSettings, current: ThresholdTable?, lastVersion: UInt64) {
        self.settings = settings
        let pipeline = FleetPipeline(settings: settings, current: current, lastVersion: lastVersion)
        queue = DispatchQueue(label: "consroute.fleet.\(settings.metadata.fleet)")
        tuningQueue = DispatchQueue(label: "consroute.fleet.\(settings.metadata.fleet).tuning")
        self.pipeline = Mutex(pipeline)
        recent = Mutex(RecentOutcomes())
        published = Mutex(Self.snapshot(of: pipeline, recent: RecentOutcomes(), isTuning: false))
    }

    /// The fleet's name.
    public var fleet: String { settings.metadata.fleet }

    /// The latest snapshot.
    public var snapshot: Snapshot { published.withLock { $0 } }

    /// Feeds accepted (or replayed) events; returns the drifts detected.
    public func observe(_ events: [TelemetryEvent], isReplay: Bool) async -> [FleetPipeline.DetectedDrift] {
        await run { pipeline in
            if !isReplay { self.recent.withLock { recent in for event in events { recent.add(event) } } }
            return pipeline.observe(events, isReplay: isReplay)
        }
    }

    /// Runs a tuning if one is due (see `FleetPipeline.tick`), on a copy of the pipeline taken when it starts.
    /// Not reentrant: one caller ticks a fleet, and awaits each tuning before the next tick.
    public func tick(nowMs: Int64) async -> FleetPipeline.TuningOutcome? {
        let due = await run { pipeline -> (FleetPipeline, FleetPipeline.Trigger, String)? in
            guard let (trigger, runID) = pipeline.takeDueTuning(nowMs: nowMs) else { return nil }
            return (pipeline, trigger, runID)
        }
        guard let (copy, trigger, runID) = due else { return nil }
        published.withLock { $0.isTuning = true }
        let outcome = await withCheckedContinuation { continuation in
            tuningQueue.async { continuation.resume(returning: copy.tune(trigger, runID: runID, nowMs: nowMs)) }
        }
        published.withLock { $0.isTuning = false }
        return outcome
    }

    /// Adopts a table that was published.
    public func didPublish(_ table: ThresholdTable) async {
        await run { pipeline in pipeline.didPublish(table) }
    }

    /// Reports that the tuning `tick` returned is over (its table, if any, adopted first).
    public func tuningFinished() async {
        await run { pipeline in pipeline.tuningFinished() }
    }

    /// Asks for a re-tune at the next tick.
    public func requestRetune(nowMs: Int64, recluster: Bool) async {
        await run { pipeline in pipeline.requestRetune(nowMs: nowMs, recluster: recluster) }
    }

    /// Pauses or resumes tuning.
    public func setPaused(_ paused: Bool) async {
        await run { pipeline in pipeline.setPaused(paused) }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (inout FleetPipeline) -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async {
                let (result, snapshot) = self.pipeline.withLock { pipeline in
                    let result = body(&pipeline)
                    return (result, Self.snapshot(of: pipeline, recent: self.recent.withLock { $0 }, isTuning: false))
                }
                self.published.withLock { current in
                    let tuning = current.isTuning
                    current = snapshot
                    current.isTuning = tuning
                }
                continuation.resume(returning: result)
            }
        }
    }

    private static func snapshot(of pipeline: FleetPipeline, recent: RecentOutcomes, isTuning: Bool) -> Snapshot {
        Snapshot(
            tableVersion: pipeline.table?.version, lastVersion: pipeline.lastVersion, isPaused: pipeline.isPaused,
            pending: pipeline.pending?.kind, observedEvents: pipeline.observedEvents, windowEvents: pipeline.reservoir.count,
            windowShadowSamples: pipeline.shadow.count, windowFromMs: pipeline.windowFromMs, recent: recent, driftLevels: pipeline.driftLevels,
            expected: pipeline.table?.expected, isTuning: isTuning)
    }
}
