import ConsRouteLoop
import ConsRouteModel
import ConsRouteTuning
import Dispatch

/// The control loop offline over full-information events (issue 6): a prequential backtest.
///
/// Events are routed in order with the table in effect at that moment (before the first table, everything goes to
/// the cloud); the pipeline then sees only what a real fleet would send: the routed tier's outcome, and `shadow` on
/// a seeded `shadowRate` share of the events. Time advances with the events' timestamps; `tick` runs every
/// `tickEveryEvents` events or `tickEveryMs` of simulated time, and every table it returns is published at once
/// and applies from the next event. Baselines (all-cloud, all-device, the first table frozen, the per-window
/// hindsight oracle) are computed over the same events in the same pass.
public struct ReplayRunner: Sendable {
    /// The pipeline, window, shadow rate and tick cadence.
    public let settings: ReplaySettings
    var pipeline: FleetPipeline
    var adaptive: PolicyLedger
    var frozen: PolicyLedger
    var allCloud: PolicyLedger
    var allDevice: PolicyLedger
    var oracle: HindsightOracle
    var oracleFleet: FleetHindsightOracle
    var periodic: [PeriodicBaseline]
    var rolling = RollingQuality()
    /// The `static` baseline's (the first table, frozen) served score per event, for its rolling figures.
    var staticServed: [Float] = []
    /// The table in effect and the first one (the `static` baseline), compiled for routing.
    var adaptiveTable: CompiledTable?
    var frozenTable: CompiledTable?
    /// The first event the first adaptive table applied to (nil: none yet).
    var firstTableEvent: Int?
    var sessions = SessionSlots()
    var shadowDraw: SeededGenerator
    var batch: [TelemetryEvent] = []
    var lastTickMs: Int64?
    var eventCount = 0
    /// Events skipped as redeliveries (an event id seen before).
    var duplicatesSkipped = 0
    var invalidSkipped = 0
    var invalidExamples: [String] = []
    var lastEventMs: Int64 = 0
    var windowStart: (event: Int, ms: Int64)?
    var windows: [ReplayReport.Window] = []
    var tables: [ReplayReport.Table] = []
    var failures: [ReplayReport.Failure] = []
    var drifts: [ReplayReport.Drift] = []
    var fleet = ""

    /// - Parameter settings: the pipeline, window, shadow rate and tick cadence.
    public init(settings: ReplaySettings) {
        self.settings = settings
        pipeline = FleetPipeline(settings: settings.pipeline, current: nil, lastVersion: 0)
        let reprefill = settings.pipeline.metadata.reprefillMsPer1kTokens
        adaptive = PolicyLedger(reprefillMsPer1kTokens: reprefill)
        frozen = adaptive
        allCloud = adaptive
        allDevice = adaptive
        // Weights set out of range in code give the oracles and baselines the docs/design.md §6 defaults.
        let objective = settings.pipeline.objective
        let weights = (try? objective.validate()) == nil ? ObjectiveWeights.standard : objective
        oracle = HindsightOracle(weights: weights, reprefillMsPer1kTokens: reprefill)
        oracleFleet = FleetHindsightOracle(weights: weights, reprefillMsPer1kTokens: reprefill)
        periodic = settings.periodic.map { PeriodicBaseline($0, weights: weights, reprefillMsPer1kTokens: reprefill) }
        shadowDraw = SeededGenerator(seed: settings.seed)
    }

    /// The largest time step between consecutive events (a year): a larger one is an unset or corrupt clock.
    public static let maximumTimeJumpMs: Int64 = 366 * 86_400_000

    /// Replays every event of `source` and reports.
    ///
    /// - Parameters:
    ///   - source: full-information events (each must carry `shadow`) of one fleet, in time order.
    ///   - phases: the scenario's phases, for the recovery figures (empty for a file).
    /// - Throws: `ReplayError`, or the source's error for a malformed event.
    /// - Complexity: O(n · (k·d)) for routing plus the pipeline's tunings.
    public consuming func run<Source: ReplayEventSource>(_ source: inout Source, phases: [ScenarioPhase] = []) throws
        -> ReplayReport
    {
        let start = DispatchTime.now().uptimeNanoseconds
        var seen = Set<EventID>()
        reading: while true {
            let event: TelemetryEvent
            switch try nextEvent(&source) {
            case .end: break reading
            case .skipped: continue reading
            case .event(let next): event = next
            }
            // As ingest does: an event id seen before is a redelivery, counted once.
            guard !seen.contains(event.eventID) else {
                duplicatesSkipped += 1
                continue
            }
            if try routeUnlessInvalid(event) { seen.insert(event.eventID) }
        }
        guard eventCount > 0 else { throw ReplayError.noEvents }
        closeWindow()
        _ = pipeline.observe(batch)
        return report(phases: phases, wallSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// The invalid events whose messages a report keeps (all are counted).
    public static let invalidExamplesKept = 10

    /// What reading a source gave.
    private enum SourceRead {
        case event(TelemetryEvent)
        /// An invalid record, skipped and counted (``ReplaySettings/skipInvalid``).
        case skipped
        case end
    }

    /// The source's next event, or the invalid record skipped, or the end.
    private mutating func nextEvent<Source: ReplayEventSource>(_ source: inout Source) throws -> SourceRead {
        do {
            return try source.nextEvent().map(SourceRead.event) ?? .end
        } catch {
            guard settings.skipInvalid, source.canSkipLastFault else { throw error }
            skipInvalid("\(error)")
            return .skipped
        }
    }

    /// Routes `event`; false when it is invalid and skipped (``ReplaySettings/skipInvalid``).
    private mutating func routeUnlessInvalid(_ event: TelemetryEvent) throws(ReplayError) -> Bool {
        do {
            try route(event)
            return true
        } catch {
            guard settings.skipInvalid, error.isAboutOneEvent else { throw error }
            skipInvalid("\(error)")
            return false
        }
    }

    /// Counts an invalid event skipped (``ReplaySettings/skipInvalid``), keeping the first messages.
    private mutating func skipInvalid(_ message: String) {
        invalidSkipped += 1
        if invalidExamples.count < Self.invalidExamplesKept { invalidExamples.append(message) }
    }

    /// Routes one event for every policy and queues what the fleet would report for the pipeline; throws before
    /// changing anything when the event is invalid.
    mutating func route(_ event: TelemetryEvent) throws(ReplayError) {
        // Errors name the event by its place in the input (duplicates and invalid events skipped included).
        let place = eventCount + duplicatesSkipped + invalidSkipped
        guard let shadow = event.shadow else { throw .missingShadow(event: place) }
        guard event.representation.count == settings.pipeline.metadata.fingerprint.representationDim else {
            throw .wrongDimension(
                event: place,
                expected: settings.pipeline.metadata.fingerprint.representationDim,
                actual: event.representation.count
            )
        }
        if eventCount > 0,
            event.timeUnixMs.saturatingSubtracting(lastEventMs).magnitude > UInt64(Self.maximumTimeJumpMs)
        {
            throw .badTime(event: place, timeUnixMs: event.timeUnixMs, previousMs: lastEventMs)
        }
        if eventCount == 0 { fleet = event.fleet }
        if batch.count >= settings.tickEveryEvents
            || (lastTickMs.map { event.timeUnixMs.saturatingSubtracting($0) >= settings.tickEveryMs } ?? false)
        {
            flush(nowMs: event.timeUnixMs)
        }
        if lastTickMs == nil { lastTickMs = event.timeUnixMs }
        if windowStart == nil { windowStart = (eventCount, event.timeUnixMs) }
        let query = sessions.query(for: event, shadow: shadow)
        allCloud.serve(query, on: .cloud)
        allDevice.serve(query, on: .device)
        let frozenDecision = decide(event, query, frozenTable, ledger: frozen)
        frozen.serve(query, on: frozenDecision?.tier ?? .cloud)
        staticServed.append(shadow.score[frozenDecision?.tier ?? .cloud])
        let decision = decide(event, query, adaptiveTable, ledger: adaptive)
        let previousTier = adaptive.turnContext(query)?.previousTier
        let served = adaptive.serve(query, on: decision?.tier ?? .cloud)
        rolling.add(served: shadow.score[decision?.tier ?? .cloud], cloud: shadow.score.cloud)
        let version = adaptiveTable?.table.version ?? 0
        let cluster = decision.flatMap { $0.isNovel ? nil : $0.clusterIndex } ?? -1
        oracle.append(query, group: HindsightOracle.GroupKey(version: version, cluster: cluster))
        oracleFleet.append(query, group: HindsightOracle.GroupKey(version: version, cluster: cluster))
        for index in periodic.indices {
            periodic[index].serve(event, query, index: eventCount, adaptive: adaptiveTable)
        }

        var observed = event
        observed.tier = decision?.tier ?? .cloud
        observed.latencyMs = Float(served.latencyMs)
        observed.cost = served.cost
        observed.tableVersion = version
        observed.cluster = decision?.clusterID ?? 0
        observed.previousTier = event.turn > 0 ? previousTier : nil
        if shadowDraw.nextUnit() >= settings.shadowRate {
            observed.shadow = nil
        } else {
            for index in periodic.indices { periodic[index].remember(event, query, index: eventCount) }
        }
        batch.append(observed)
        eventCount += 1
        lastEventMs = event.timeUnixMs
        if eventCount - windowStart!.event >= settings.windowEvents { closeWindow() }
    }

    /// The decision of a table for the event, as a router would make it (an expired table routes with its novel
    /// thresholds); nil without a table: the cloud serves.
    @inline(__always)
    private func decide(_ event: TelemetryEvent, _ query: ReplayQuery, _ compiled: CompiledTable?, ledger: PolicyLedger)
        -> RoutingDecision?
    {
        guard let compiled else { return nil }
        let stale = compiled.table.isExpired(atMs: event.timeUnixMs)
        return event.representation.withUnsafeBufferPointer {
            compiled.policy.decide(
                representation: $0,
                pDevice: event.pDevice,
                pEdge: event.pEdge,
                turn: ledger.turnContext(query),
                stale: stale
            )
        }
    }
}
