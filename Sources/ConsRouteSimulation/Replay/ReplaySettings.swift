public import ConsRouteLoop
import ConsRouteModel

/// How a replay drives the control loop over full-information events.
public struct ReplaySettings: Sendable {
    /// The fleet's control loop (its objective is also the report's).
    public var pipeline: FleetPipelineSettings
    /// Events per report window (default 10,000).
    public var windowEvents = 10_000
    /// The share of events whose `shadow` the pipeline sees (seeded draw); the others arrive without it.
    public var shadowRate: Double
    /// `tick` is called once this many events arrived since the last call (default 1,000) ...
    public var tickEveryEvents = 1_000
    /// ... or once this much simulated time passed (default 1 s), whichever comes first.
    public var tickEveryMs: Int64 = 1_000
    /// Seed of the shadow-sampling draw.
    public var seed: UInt64 = 0x5EED
    /// Skip and count invalid events (a malformed record, no `shadow`, another fleet or dimension, an unset or
    /// corrupt clock) instead of stopping at the first, as ingest dead-letters them: a recording with a few bad
    /// records can still be backtested, its valid events all replayed (default false: the first stops the replay).
    public var skipInvalid = false
    /// Events per rolling window of the recovery figures (default 2,000).
    public var rollingEvents = 2_000
    /// The `periodic` baselines: refit every `every` events on the last `windowEvents` events' shadow samples,
    /// fleet floor at `q_min + margin` (default: every 1,000 events; windows 6,000 and 12,000; margins 0.01, 0.03, 0.05).
    public var periodic: [PeriodicVariant] = PeriodicVariant.grid(every: 1_000)

    /// - Parameters:
    ///   - pipeline: the control loop's settings (`FleetPipelineSettings.replay(...)` gives the replay's defaults).
    ///   - shadowRate: the share of events shadow-sampled, in [0, 1].
    public init(pipeline: FleetPipelineSettings, shadowRate: Double) {
        self.pipeline = pipeline
        self.shadowRate = shadowRate
    }
}

/// One `periodic` baseline's cadence, window and margin.
public typealias PeriodicVariant = PeriodicBaseline.Variant

extension PeriodicBaseline.Variant {
    /// Windows 6,000 and 12,000 events, margins 0.01, 0.03 and 0.05, refit every `every` events.
    public static func grid(every: Int) -> [PeriodicBaseline.Variant] {
        [6_000, 12_000].flatMap { window in
            [0.01, 0.03, 0.05].map { .init(every: every, windowEvents: window, margin: $0) }
        }
    }
}

extension ReplaySettings {
    /// The replay of a scenario: its fleet, fingerprint, objective and re-prefill costs, its shadow rate unless
    /// `shadowRate` overrides it.
    public init(scenario: Scenario, shadowRate: Double? = nil) {
        self.init(
            pipeline: .replay(
                fleet: scenario.fleet,
                fingerprint: scenario.fingerprint,
                objective: scenario.objective,
                reprefillMsPer1kTokens: scenario.sessions.reprefillMsPer1kTokens
            ),
            shadowRate: shadowRate ?? scenario.shadowRate
        )
    }

    /// The replay of recorded events of a fleet: the docs/design.md §6 objective, the default re-prefill costs
    /// (`SessionSettings`), and a fingerprint naming the fleet.
    ///
    /// - Parameters:
    ///   - fleet: the events' fleet.
    ///   - dimension: their representation length d.
    ///   - shadowRate: the share of events shadow-sampled.
    public init(fleet: String, dimension: Int, shadowRate: Double) {
        self.init(
            pipeline: .replay(
                fleet: fleet,
                fingerprint: Fingerprint(
                    representationModel: "replay/\(fleet)",
                    representationDim: dimension,
                    reranker: "replay",
                    promptTemplate: "replay"
                ),
                objective: .standard,
                reprefillMsPer1kTokens: SessionSettings().reprefillMsPer1kTokens
            ),
            shadowRate: shadowRate
        )
    }
}

extension ReplaySettings {
    /// Runs the control loop with a configured fleet's settings (objective, optimiser, window, loop, drift, rollout),
    /// keeping the replay's fleet name, fingerprint and table lifetime: a backtest of a configuration.
    ///
    /// - Parameters:
    ///   - fleets: a loaded controller configuration's fleets (`ControllerConfiguration.fleets`).
    ///   - fleet: the fleet to take; nil for the configuration's only fleet.
    ///   - source: where the configuration came from, for messages.
    /// - Throws: `ReplayError.configuration` when the fleet is missing or ambiguous, or its dimension differs.
    public mutating func adopt(
        fleets: [FleetPipelineSettings],
        fleet: String?,
        source: String
    ) throws(ReplayError) {
        let names = fleets.map(\.metadata.fleet)
        let chosen: FleetPipelineSettings
        if let fleet {
            guard let match = fleets.first(where: { $0.metadata.fleet == fleet }) else {
                throw .configuration("\(source) has no fleet \(fleet) (it has: \(names.joined(separator: ", ")))")
            }
            chosen = match
        } else {
            guard fleets.count == 1 else {
                throw .configuration(
                    "\(source) has \(fleets.count) fleets (\(names.joined(separator: ", "))); "
                        + "choose one with --fleet"
                )
            }
            chosen = fleets[0]
        }
        let dimension = pipeline.metadata.fingerprint.representationDim
        guard chosen.metadata.fingerprint.representationDim == dimension else {
            throw .configuration(
                "fleet \(chosen.metadata.fleet) in \(source) has dimension "
                    + "\(chosen.metadata.fingerprint.representationDim) but the events have \(dimension)"
            )
        }
        let metadata = pipeline.metadata
        pipeline = chosen
        pipeline.metadata = metadata
    }
}
