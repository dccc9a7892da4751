public import ConsRouteModel

/// A simulated fleet: devices sending queries whose representations come from latent topics, each topic with
/// its own per-tier answer quality, latency and cost, and timed phases that change the traffic (docs/design.md §12,
/// issue 6). Load one with `ScenarioLoader`; generate its telemetry with `ScenarioGenerator`.
///
/// Every value is resolved: generated topic centres are filled in, per-topic latency and cost overrides are
/// merged with the fleet-wide defaults, and phases are sorted by the event index at which they start.
public struct Scenario: Sendable, Equatable {
    /// `fleet`: the fleet name carried by every event.
    public var fleet: String
    /// `dimension`: the representation length d.
    public var dimension: Int
    /// `seed`: determines every random draw of the generator (and generated centres).
    public var seed: UInt64
    /// `events`: how many events a run generates.
    public var events: Int
    /// `events_per_second`: the fleet's query rate; event i is stamped `start_time_ms + i · 1000 / rate`.
    public var eventsPerSecond: Double
    /// `start_time_ms`: the first event's Unix time in milliseconds.
    public var startTimeMs: Int64
    /// `devices`: how many devices send queries (each event comes from a uniformly drawn device).
    public var devices: Int
    /// `sessions`: multi-turn conversations.
    public var sessions: SessionSettings
    /// `shadow_rate`: the share of events a real fleet would shadow-sample (full information on all tiers).
    public var shadowRate: Double
    /// `router_noise`: σ of the router head in consistency mode: `p = clamp(s + N(0, σ))`.
    public var routerNoise: Double
    /// `scores_mode`: what a tier's score is (consistency with the cloud, or absolute 0/1 correctness).
    public var scoresMode: ScoreMode
    /// `tier_correlation`: ρ of the Gaussian copula that correlates the tiers' correctness (absolute mode).
    public var tierCorrelation: Double
    /// `head_noise`: σ_h of the router head's view of each tier's latent margin (absolute mode).
    public var headNoise: Double
    /// `normalize_representations`: scale every representation to norm 1 (as sentence embeddings are).
    public var normalizeRepresentations: Bool
    /// `spread_variation`: σ of the log of each query's spread factor (`spread · exp(N(0, σ²))`); 0 for none.
    public var spreadVariation: Double
    /// `network_ms`: network time added to every tier's latency (device, edge, cloud).
    public var networkMs: TierValues
    /// `topics`: the latent topics.
    public var topics: [ScenarioTopic]
    /// `phases`: the timed changes, sorted by `at`.
    public var phases: [ScenarioPhase]
    /// `objective`: the weights the thresholds are tuned for (`latency_ref_ms` is set from the data).
    public var objective: ObjectiveWeights

    /// Creates a resolved scenario; `ScenarioLoader` is the usual way to get one.
    public init(
        fleet: String,
        dimension: Int,
        seed: UInt64,
        events: Int,
        eventsPerSecond: Double,
        startTimeMs: Int64,
        devices: Int,
        sessions: SessionSettings,
        shadowRate: Double,
        routerNoise: Double,
        networkMs: TierValues,
        topics: [ScenarioTopic],
        phases: [ScenarioPhase],
        objective: ObjectiveWeights,
        scoresMode: ScoreMode = .consistency,
        tierCorrelation: Double = 0,
        headNoise: Double = 1,
        normalizeRepresentations: Bool = false,
        spreadVariation: Double = 0
    ) {
        self.fleet = fleet
        self.dimension = dimension
        self.seed = seed
        self.events = events
        self.eventsPerSecond = eventsPerSecond
        self.startTimeMs = startTimeMs
        self.devices = devices
        self.sessions = sessions
        self.shadowRate = shadowRate
        self.routerNoise = routerNoise
        self.networkMs = networkMs
        self.topics = topics
        self.phases = phases.sorted { $0.at < $1.at }
        self.objective = objective
        self.scoresMode = scoresMode
        self.tierCorrelation = tierCorrelation
        self.headNoise = headNoise
        self.normalizeRepresentations = normalizeRepresentations
        self.spreadVariation = spreadVariation
    }

    /// The fingerprint every table for this fleet carries.
    public var fingerprint: Fingerprint {
        Fingerprint(
            representationModel: "synthetic/\(fleet)",
            representationDim: dimension,
            reranker: "synthetic",
            promptTemplate: "synthetic"
        )
    }

    /// The Unix time of event `index`.
    public func timeUnixMs(ofEvent index: Int) -> Int64 {
        startTimeMs + Int64((Double(index) * 1000 / eventsPerSecond).rounded(.down))
    }
}
