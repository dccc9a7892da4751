import ArgumentParser
import ConsRouteController
import ConsRouteLoop
import ConsRouteModel
import ConsRouteSimulation
import Foundation

/// `consroute replay`: the control loop offline over full-information events, with baselines, as a JSON report.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Backtest the control loop offline on full-information telemetry (prequential) and report.",
        discussion: """
            Events come from --input (JSON lines .jsonl, or length-delimited protobuf .pb/.bin; every event must \
            carry shadow; an event id seen before is a redelivery, skipped and counted as ingest does; an invalid \
            event stops the replay with its line or record and what is wrong, or with --skip-invalid is skipped \
            and counted, as ingest dead-letters it) or are \
            generated from --scenario (see config/scenarios/README.md). Each event is routed \
            with the table in effect at that moment; the pipeline sees the routed outcome and, on a --shadow-rate \
            share, the shadow sample. The report (JSON) holds the policy, the all-cloud, all-device, static and \
            oracle baselines, per-window figures, the tables published and the drift detected.

            With --config, the control loop runs with a fleet's settings from a controller configuration (objective, \
            optimiser, window, loop and drift settings): backtest a change before deploying it. The fleet is the \
            file's only one, or --fleet NAME; its dimension must match the events'.
            """
    )

    @Option(name: .long, help: "Recorded events (.jsonl or .pb/.bin).")
    var input: String?

    @Option(name: .long, help: "A scenario (YAML) to generate the events from instead of --input.")
    var scenario: String?

    @Option(name: .long, help: "With --scenario: generate this many events instead of the scenario's count.")
    var events: Int?

    @Option(name: .long, help: "With --scenario: also write the generated events to this file (.jsonl or .pb).")
    var saveEvents: String?

    @Option(name: .long, help: "Events per report window.")
    var window = 10_000

    @Option(name: .long, help: "A controller configuration (YAML) whose fleet settings the control loop uses.")
    var config: String?

    @Option(name: .long, help: "With --config: the fleet to take (default: the file's only fleet).")
    var fleet: String?

    @Option(
        name: .customLong("periodic-every"),
        help: "Refit cadence of the periodic baselines, in events (default 1000; 0 = no periodic baselines)."
    )
    var periodicEvery = 1_000

    @Option(
        name: .customLong("shadow-rate"),
        help: "Share of events whose shadow sample the pipeline sees (default: the scenario's, or 0.05)."
    )
    var shadowRate: Double?

    @Flag(
        name: .customLong("skip-invalid"),
        help: """
            With --input: skip and count invalid events (malformed, no shadow, another fleet or dimension, a \
            corrupt clock) instead of stopping at the first; the report counts them and keeps the first 10 messages.
            """
    )
    var skipInvalid = false

    @Option(
        name: .customLong("events-per-second"),
        help: """
            With --input: re-time the events at this rate (the i-th gets the first's time plus i / R seconds, in \
            file order), for a recording whose clock is not the traffic's: the loop's debounce, minimum interval \
            and schedule are in event time.
            """
    )
    var eventsPerSecond: Double?

    @Option(name: .long, help: "Write the JSON report here (default: standard output).")
    var out: String?

    @Option(
        name: .customLong("debounce-s"),
        help: "Seconds (of event time) a drift trigger waits for more drift (default 30)."
    )
    var debounceSeconds: Double?

    @Option(
        name: .customLong("minimum-interval-s"),
        help: "Least seconds (of event time) between two drift- or schedule-triggered tunings (default 60)."
    )
    var minimumIntervalSeconds: Double?

    func validate() throws {
        guard (input == nil) != (scenario == nil) else {
            throw ValidationError("give exactly one of --input and --scenario")
        }
        guard window >= 1 else { throw ValidationError("--window must be >= 1, is \(window)") }
        if let events, events < 1 { throw ValidationError("--events must be >= 1, is \(events)") }
        if let shadowRate, !(0...1).contains(shadowRate) {
            throw ValidationError("--shadow-rate must be in [0, 1], is \(shadowRate)")
        }
        if saveEvents != nil, scenario == nil { throw ValidationError("--save-events needs --scenario") }
        if events != nil, scenario == nil { throw ValidationError("--events needs --scenario") }
        if fleet != nil, config == nil { throw ValidationError("--fleet needs --config") }
        if skipInvalid, input == nil { throw ValidationError("--skip-invalid needs --input") }
        if let eventsPerSecond {
            guard input != nil else { throw ValidationError("--events-per-second needs --input") }
            guard eventsPerSecond >= 0.001 && eventsPerSecond <= 1_000_000 else {
                throw ValidationError("--events-per-second must be in [0.001, 1000000], is \(eventsPerSecond)")
            }
        }
        guard periodicEvery >= 0 else { throw ValidationError("--periodic-every must be >= 0, is \(periodicEvery)") }
        for (name, value) in [("--debounce-s", debounceSeconds), ("--minimum-interval-s", minimumIntervalSeconds)] {
            if let value, !(value >= 0 && value <= 86_400) {
                throw ValidationError("\(name) must be in [0, 86400], is \(value)")
            }
        }
    }

    /// Applies --config (the fleet's control-loop settings), the periodic baselines and the loop-timing options.
    private func applyOptions(_ settings: inout ReplaySettings) throws {
        if let config {
            do {
                try settings.adopt(
                    fleets: ControllerConfiguration.load(path: config, environment: [:]).fleets,
                    fleet: fleet,
                    source: config
                )
            } catch let error as ConfigurationError {
                throw CommandFailure("\(error)")
            }
        }
        settings.periodic = periodicEvery > 0 ? PeriodicVariant.grid(every: periodicEvery) : []
        try applyTiming(&settings)
    }

    /// Applies the loop-timing options to `settings`.
    private func applyTiming(_ settings: inout ReplaySettings) throws {
        if let debounceSeconds { settings.pipeline.debounceMs = Int64(debounceSeconds * 1_000) }
        if let minimumIntervalSeconds { settings.pipeline.minimumIntervalMs = Int64(minimumIntervalSeconds * 1_000) }
        try fitReservoirToMemory(&settings.pipeline)
    }

    /// Sizes the representation reservoir to a quarter of physical memory: at d = 65,536 the default 200,000
    /// representations would take 26 GB. Says so when it shrinks it; refuses when too few would fit to re-cluster.
    private func fitReservoirToMemory(_ pipeline: inout FleetPipelineSettings) throws {
        let dimension = pipeline.metadata.fingerprint.representationDim
        let budget = RepresentationReservoir.memoryBudgetBytes
        let fits = RepresentationReservoir.capacity(fitting: budget, dimension: dimension)
        guard fits < pipeline.reservoirCapacity else { return }
        guard fits >= pipeline.tuner.minimumPointsToCluster else {
            throw CommandFailure(
                "d = \(dimension) is too large for this machine: only \(fits) representations fit in "
                    + "\(budget / 1_048_576) MiB (a quarter of its memory), re-clustering needs "
                    + "\(pipeline.tuner.minimumPointsToCluster)"
            )
        }
        FileHandle.standardError.write(
            Data(
                ("replay: d = \(dimension): the representation window holds \(fits) representations instead of "
                    + "\(pipeline.reservoirCapacity), to fit \(budget / 1_048_576) MiB (a quarter of this machine's memory)\n")
                    .utf8
            )
        )
        pipeline.reservoirCapacity = fits
    }

    func run() throws {
        let report: ReplayReport
        let settings: ReplaySettings
        do {
            (report, settings) = try scenario.map(replayScenario) ?? replayFile(input!)
        } catch let error as ScenarioError {
            throw CommandFailure("\(error)")
        } catch let error as EventFileError {
            throw CommandFailure("\(error)" + skipHint(skippable: !(error.isFraming)))
        } catch let error as ReplayError {
            throw CommandFailure("\(error)" + skipHint(skippable: error.isAboutOneEvent))
        }
        let data = try report.jsonData()
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: data + Data("\n".utf8)) else {
                throw CommandFailure("cannot write \(out)")
            }
        } else {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
        FileHandle.standardError.write(Data((summary(report) + clockNote(report, settings)).utf8))
    }

    /// A note when the events' clock leaves the loop no room to re-tune: tunings after the first table are at
    /// least the minimum interval apart in event time, and a recording stamped faster than its traffic arrived (a
    /// benchmark run, or one time for all) spans a few seconds.
    private func clockNote(_ report: ReplayReport, _ settings: ReplaySettings) -> String {
        guard let first = report.windows.first?.fromMs, let last = report.windows.last?.toMs,
            report.events >= 2 * settings.pipeline.bootstrapEvents, settings.pipeline.minimumIntervalMs > 0
        else { return "" }
        let spanMs = last.saturatingSubtracting(first)
        let possible = spanMs / settings.pipeline.minimumIntervalMs
        guard possible < 5 else { return "" }
        let seconds = Double(spanMs) / 1_000
        let rate = seconds > 0 ? String(format: " (%.0f per second)", Double(report.events) / seconds) : ""
        return "note: the \(report.events) events span \(String(format: "%.1f", seconds)) s of event time\(rate), and "
            + "tunings are at least \(settings.pipeline.minimumIntervalMs / 1_000) s apart (minimum_interval_s), so at "
            + "most \(possible) could follow the first table. If the events were stamped faster than the traffic "
            + "arrived, re-time them with --events-per-second R (R: the traffic's rate), or shorten the loop's "
            + "intervals (--minimum-interval-s, --debounce-s, the fleet's loop settings in --config).\n"
    }

    private func replayScenario(_ path: String) throws -> (ReplayReport, ReplaySettings) {
        var scenario = try ScenarioLoader().load(path: path)
        if let events { scenario.events = events }
        var settings = ReplaySettings(scenario: scenario, shadowRate: shadowRate)
        settings.windowEvents = window
        try applyOptions(&settings)
        if let saveEvents {
            let writer = try EventFileWriter(path: saveEvents)
            var generator = ScenarioGenerator(scenario: scenario)
            while let event = generator.next() { try writer.write(event) }
            try writer.close()
        }
        var generator = ScenarioGenerator(scenario: scenario)
        return (try ReplayRunner(settings: settings).run(&generator, phases: scenario.phases), settings)
    }

    /// The hint that --skip-invalid would go past an error about one event of a file.
    private func skipHint(skippable: Bool) -> String {
        guard skippable, input != nil, !skipInvalid else { return "" }
        return " (--skip-invalid skips and counts such events and replays the others)"
    }

    private func replayFile(_ path: String) throws -> (ReplayReport, ReplaySettings) {
        var reader: EventFileReader
        do {
            reader = try EventFileReader(path: path)
        } catch {
            // Its first event fixes the file's fleet and dimension: --skip-invalid cannot go past it.
            throw CommandFailure(
                "\(error)"
                    + (error.isFraming
                        ? "" : " (the first event fixes the file's fleet and dimension, so it must be valid)")
            )
        }
        var settings = ReplaySettings(fleet: reader.fleet, dimension: reader.dimension, shadowRate: shadowRate ?? 0.05)
        settings.windowEvents = window
        settings.skipInvalid = skipInvalid
        try applyOptions(&settings)
        guard let eventsPerSecond else { return (try ReplayRunner(settings: settings).run(&reader), settings) }
        var retimed = RetimedEventSource(reader, eventsPerSecond: eventsPerSecond)
        return (try ReplayRunner(settings: settings).run(&retimed), settings)
    }

    private func summary(_ report: ReplayReport) -> String {
        func figure(_ value: Double) -> String { PolicyFigures.text(ratio: value, digits: 4) }
        // Wide enough for the longest name ("oracle_fleet") and a space: a name is never cut.
        func line(_ name: String, _ figures: PolicyFigures) -> String {
            name.padding(toLength: max(13, name.count + 1), withPad: " ", startingAt: 0)
                + "quality ratio \(figure(figures.qualityRatio))  latency ratio \(figure(figures.latencyRatio))  "
                + "cost ratio \(figure(figures.costRatio))  objective \(figure(figures.objective))\n"
        }
        // A baseline's rolling windows from the first table on, under its figures (indented as its figures are).
        func rolling(_ span: ReplayReport.RollingSpan) -> String {
            String(repeating: " ", count: 13)
                + "rolling \(report.rollingEvents) events at or above q_min in \(figure(span.shareAtOrAboveQMin)) of "
                + "\(span.windows) windows, lowest \(figure(span.lowestQualityRatio))\n"
        }
        var text =
            "replayed \(report.events) events of \(report.fleet) in \(String(format: "%.1f", report.wallSeconds)) s; "
            + "\(report.tables.count) tables, \(report.driftEvents.count) drift events"
            + (report.duplicatesSkipped > 0
                ? "; \(report.duplicatesSkipped) duplicates skipped (an event id seen before, as ingest skips them)\n"
                : "\n")
            + (report.invalidSkipped > 0
                ? "\(report.invalidSkipped) invalid events skipped; the first: "
                    + report.invalidExamples.prefix(3).joined(separator: "; ") + "\n"
                : "")
        text +=
            line("policy", report.policy) + line("static", report.baselines.static)
            + (report.baselines.staticRollingAfterFirstTable.map { rolling($0) } ?? "")
            + line("oracle", report.baselines.oracle) + line("oracle_fleet", report.baselines.oracleFleet)
            + line("all_device", report.baselines.allDevice)
        for periodic in report.baselines.periodic {
            let name = "periodic every \(periodic.every), last \(periodic.windowEvents), margin \(periodic.margin)"
            let verdict =
                !periodic.holdsFloor
                ? " (below q_min)"
                : periodic.holdsFloorAfterFirstTable == false ? " (below q_min from the first table on)" : ""
            text += name + verdict + "\n" + line("", periodic.figures)
            if let after = periodic.afterFirstTable { text += line(" after", after) }
            if let span = periodic.rollingAfterFirstTable { text += rolling(span) }
        }
        if let first = report.firstTableEvent, let after = report.policyAfterFirstTable {
            text +=
                "from the first table (event \(first)) on, against all-cloud on the same events (every policy routes "
                + "all-cloud before it):\n" + line("policy", after)
        }
        text += "tunings: \(report.tables.count) published, \(report.tuningFailures.count) without a table\n"
        if let span = report.rollingAfterFirstTable {
            text +=
                "rolling \(report.rollingEvents) events from the first table (event \(span.from)) on: at or above "
                + "q_min in \(figure(span.shareAtOrAboveQMin)) of \(span.windows) windows, lowest "
                + "\(figure(span.lowestQualityRatio))\n"
        }
        for phase in report.phases {
            let recovery = phase.eventsToRecover.map { "\($0) events" } ?? "never (still below q_min)"
            text +=
                "phase \(phase.kind) at \(phase.at): lowest window quality ratio "
                + "\(figure(phase.lowestQualityRatio)), back at q_min for good after \(recovery)\n"
        }
        for phase in report.rolling {
            let recovery = phase.eventsToRecover.map { "\($0) events" } ?? "never"
            text +=
                "rolling \(report.rollingEvents) events after the change at \(phase.at): lowest "
                + "\(figure(phase.lowestQualityRatio)), back at q_min after \(recovery), then at or above it in "
                + "\(figure(phase.shareAtOrAboveQMin)) of \(phase.windowsAfterRecovery) windows; "
                + (phase.eventsToHold.map { "in 1 - alpha of the windows from \($0) events after the change on\n" }
                    ?? "in 1 - alpha of the windows from no point in the phase's first half\n")
        }
        return text
    }
}
