public import ConsRouteModel
public import ConsRouteTuning

/// One fleet's control loop as a value-type state machine (docs/design.md §6): window state, drift monitor,
/// debounced triggers, and tuning. It does no I/O: the controller feeds it events, calls `tick` to let it tune,
/// signs, stores and publishes what it returns, then reports the published table back with `didPublish`.
/// The offline `replay` drives the same machine.
public struct FleetPipeline: Sendable {
    public let settings: FleetPipelineSettings
    public internal(set) var table: ThresholdTable?
    public internal(set) var lastVersion: UInt64
    public internal(set) var pending: Trigger?
    public internal(set) var isPaused = false
    /// A tuning taken with `takeDueTuning` has not been reported finished (`tuningFinished`) yet.
    public internal(set) var isTuningInFlight = false
    /// The version of the canary being compared with `table` (nil when none runs): tunings wait until it is
    /// promoted or rolled back, and their triggers stay pending.
    public internal(set) var canaryVersion: UInt64?
    public internal(set) var reservoir: RepresentationReservoir
    public internal(set) var shadow: ShadowSampleWindow
    /// Events observed since start (drift event ids count from here).
    public internal(set) var observedEvents: Int64 = 0
    var policy: RoutingPolicy?
    var monitor: FleetDriftMonitor?
    var referenceMeanDistance2 = 1.0
    /// The table was adopted with an empty window: `referenceMeanDistance2` holds the dimension (the fallback used
    /// before any window) until a replay gives the window it is measured on.
    var referenceAwaitsWindow = false
    var nextClusterID: UInt32
    var lastTuneMs: Int64?
    package var windowFromMs: Int64?
    var windowToMs: Int64 = 0
    var shadowObserved: UInt64 = 0
    /// `shadowObserved` and the window's size when the last tuning was taken (the data-growth re-tune).
    var shadowAtLastTune: UInt64 = 0
    var windowAtLastTune = 0
    /// Shadow samples the last published tuning used (after change cuts): after a change a tuning has few, and
    /// the data-growth re-tune comes as soon as as many new ones arrived.
    var samplesUsedAtLastTune: Int?
    var runCounter = 0
    /// Changes the drift detectors found: a tuning leaves out samples from before them.
    var changeCuts = ChangeCuts.none
    /// Whether the table in force still meets the fleet's quality floor under the current traffic.
    var floorMonitor = QualityFloorMonitor()

    /// - Parameters:
    ///   - current: the fleet's table in effect (from history), if any.
    ///   - lastVersion: the highest version the fleet ever had (versions keep increasing across restarts).
    public init(settings: FleetPipelineSettings, current: ThresholdTable?, lastVersion: UInt64) {
        self.settings = settings
        self.lastVersion = max(lastVersion, current?.version ?? 0)
        let dimension = settings.metadata.fingerprint.representationDim
        reservoir = RepresentationReservoir(dimension: dimension, capacity: settings.reservoirCapacity)
        shadow = ShadowSampleWindow(dimension: dimension, capacity: settings.shadowCapacity)
        nextClusterID = (current?.clusters.map(\.id).max()).map { $0 &+ 1 } ?? 0
        if let current { adopt(current) }
    }

    /// Feeds accepted events. Replayed events (re-read after a restart or a takeover, already counted) rebuild the
    /// window, and those made after the table in force was created also rebuild the drift detectors: they are the
    /// traffic the detectors of the previous owner (or of this replica before it restarted) learned their reference
    /// from and tested, so a change under way is still seen against the traffic before it, not absorbed into a new
    /// reference. Older replayed events were seen under an earlier table and are not monitored; no replayed event
    /// triggers a bootstrap. A drift a replay finds again has the id it had the first time when the detectors saw
    /// the same events (ids name the event that raised them).
    ///
    /// - Returns: the drifts detected, in order.
    public mutating func observe(_ events: [TelemetryEvent], isReplay: Bool = false) -> [DetectedDrift] {
        var detected: [DetectedDrift] = []
        for event in events {
            reservoir.append(event.representation)
            if event.shadow != nil {
                shadow.append(event)
                shadowObserved += 1
            }
            windowFromMs = min(windowFromMs ?? event.timeUnixMs, event.timeUnixMs)
            windowToMs = max(windowToMs, event.timeUnixMs)
            observedEvents += 1
            if isReplay {
                guard let table, event.timeUnixMs >= table.createdAtMs else { continue }
                if referenceAwaitsWindow, reservoir.count > 1 { measureReferenceDistance() }
                detected.append(contentsOf: monitorDrift(event))
                continue
            }
            if table == nil {
                // After a bootstrap that published nothing, the next one waits for new samples (as a re-tune on
                // data growth does), instead of repeating the same tuning on every event.
                if pending == nil, !isTuningInFlight, reservoir.count >= settings.bootstrapEvents,
                    shadow.count >= settings.tuner.minimumShadowSamples, lastTuneMs == nil || hasGrownSinceLastTune
                {
                    pending = Trigger(
                        kind: .bootstrap,
                        firstAtMs: event.timeUnixMs,
                        recluster: true,
                        driftEventIDs: [],
                        clusters: []
                    )
                }
                continue
            }
            detected.append(contentsOf: monitorDrift(event))
        }
        return detected
    }

    /// Asks for a re-tune (thresholds only, or with a re-clustering) at the next `tick`, without debounce.
    public mutating func requestRetune(nowMs: Int64, recluster: Bool = false) {
        let kind: TriggerKind = table == nil ? .bootstrap : .operatorRequest
        pending = Trigger(
            kind: kind,
            firstAtMs: nowMs,
            recluster: recluster || table == nil,
            driftEventIDs: [],
            clusters: []
        )
    }

    /// Stops (or resumes) tuning; observation goes on.
    public mutating func setPaused(_ paused: Bool) { isPaused = paused }

    /// Runs a tuning if one is due: a pending trigger past its debounce and the minimum interval, or the
    /// schedule. CPU-bound (re-clustering and optimisation): call it off the cooperative pool.
    public mutating func tick(nowMs: Int64) -> TuningOutcome? {
        guard let due = takeDueTuning(nowMs: nowMs) else { return nil }
        defer { tuningFinished() }
        return tune(due.trigger, runID: due.runID, nowMs: nowMs)
    }

    /// Reports that the tuning taken with `takeDueTuning` is over (its table, if any, adopted with
    /// `didPublish` first): until then no new bootstrap is triggered.
    public mutating func tuningFinished() { isTuningInFlight = false }

    /// Takes the tuning that is due, if any (the trigger is consumed): the first half of `tick`, for a caller
    /// that runs `tune` on a copy of the pipeline while this one keeps observing events.
    ///
    /// - Returns: the trigger and the run id to pass to `tune`.
    public mutating func takeDueTuning(nowMs: Int64) -> (trigger: Trigger, runID: String)? {
        guard !isPaused, canaryVersion == nil else { return nil }
        if pending == nil, let schedule = settings.scheduleMs, table != nil, let last = lastTuneMs,
            nowMs.saturatingSubtracting(last) >= schedule
        {
            pending = Trigger(kind: .schedule, firstAtMs: nowMs, recluster: false, driftEventIDs: [], clusters: [])
        }
        if pending == nil, settings.retuneOnDataGrowth, table != nil, hasGrownSinceLastTune {
            // A quarter (`dataGrowthFraction`) more shadow samples than the last tuning had: a bound on more data is
            // tighter (cheaper tables), a gradual change is followed, and after a change the newest samples count.
            pending = Trigger(kind: .schedule, firstAtMs: nowMs, recluster: false, driftEventIDs: [], clusters: [])
        }
        guard let trigger = pending else { return nil }
        switch trigger.kind {
        case .bootstrap, .operatorRequest:
            break
        case .drift, .schedule:
            // Saturating: a trigger's time comes from an event's time (issue 14).
            guard nowMs.saturatingSubtracting(trigger.firstAtMs) >= settings.debounceMs else { return nil }
            if let last = lastTuneMs, nowMs.saturatingSubtracting(last) < settings.minimumIntervalMs { return nil }
        }
        pending = nil
        lastTuneMs = nowMs
        shadowAtLastTune = shadowObserved
        windowAtLastTune = shadow.count
        runCounter += 1
        isTuningInFlight = true
        return (trigger, "\(settings.metadata.fleet)/run/\(nowMs)/\(runCounter)")
    }

    /// Whether the window gained `dataGrowthFraction` of the shadow samples the last tuning used (at least
    /// `minimumShadowSamples`; of at most what a tuning can use: `samplesPerCluster` for each of the table's clusters).
    var hasGrownSinceLastTune: Bool {
        let usable = settings.tuner.samplesPerCluster * max(1, table?.clusters.count ?? 1)
        let used = Double(min(samplesUsedAtLastTune ?? windowAtLastTune, usable))
        let needed = max(settings.tuner.minimumShadowSamples, Int((used * settings.dataGrowthFraction).rounded(.up)))
        return shadowObserved - shadowAtLastTune >= UInt64(needed)
    }

    /// The drift detectors' current levels (nil before the first table: nothing is monitored yet).
    public var driftLevels: FleetDriftMonitor.Levels? { monitor?.levels() }

    /// Adopts a table that was published (or restored): routing, the drift reference and ids follow it. A canary
    /// is only noted (most devices still apply `table`); an active table ends any canary.
    ///
    /// - Parameter tuning: the tuning that made the table: its held-out margins per stratum
    ///   (`ThresholdProposal.strataMargins`) let the quality-floor monitor follow the table under a changing traffic
    ///   mix, its samples used pace the data-growth re-tune; nil when unknown (a rollback, a restored table).
    public mutating func didPublish(_ table: ThresholdTable, tuning: ThresholdProposal? = nil) {
        let margins = tuning?.strataMargins
        if let tuning, table.rollout.stage == .active {
            // A tuning that could certify nothing cheaper than the cloud re-tunes as soon as the minimum of new
            // samples arrived; otherwise once `dataGrowthFraction` more than it used arrived.
            samplesUsedAtLastTune = tuning.estimate.costRatio >= 0.99 ? 0 : tuning.samplesUsed
        }
        lastVersion = max(lastVersion, table.version)
        switch table.rollout.stage {
        case .canary:
            canaryVersion = table.version
        case .active:
            canaryVersion = nil
            adopt(table)
            floorMonitor.adopt(margins: margins?.count == table.clusters.count + 1 ? margins : nil)
        }
    }

    /// The all-cloud means of the shadow window, the reference a canary comparison normalises by; nil when empty.
    public var cloudReference: CanaryObjective.Reference? {
        CanaryObjective.Reference(samples: shadow.all().map(\.outcome))
    }
}
