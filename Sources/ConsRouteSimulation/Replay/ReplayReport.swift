/// The outcome of a replay: the adaptive policy, the baselines computed in the same run, per-window figures, the
/// tables published, the drift detected and, for a scenario, how fast each phase change was absorbed.
///
/// Encoded with snake_case keys (`ReplayReport.encoder`).
public struct ReplayReport: Sendable, Codable {
    /// The baselines, over the same events.
    public struct Baselines: Sendable, Codable {
        /// Everything to the cloud (the reference of every ratio).
        public var allCloud: PolicyFigures
        /// Everything to the device.
        public var allDevice: PolicyFigures
        /// The first table, never updated (all-cloud before it, like the adaptive policy).
        public var `static`: PolicyFigures
        /// Its rolling quality ratio from the first table on (the same windows as the policy's
        /// `rolling_after_first_table`; nil: no table): a table that holds the mean can still serve windows below
        /// `q_min` after a change.
        public var staticRollingAfterFirstTable: RollingSpan?
        /// Per window, the exact sweep's thresholds in hindsight on the window's events, on the same clusters, each
        /// cluster with its own objective.
        public var oracle: PolicyFigures
        /// Per window, in hindsight on the window's events, on the same clusters, with one quality constraint for
        /// the whole fleet at exactly `q_min` (the fleet allocation).
        public var oracleFleet: PolicyFigures
        /// Refit blindly every `every` events on the last `window_events` events' shadow samples with a fleet
        /// floor at `q_min + margin`, one entry per variant.
        public var periodic: [Periodic]
    }

    /// One `periodic` baseline variant.
    public struct Periodic: Sendable, Codable {
        /// Refit cadence, in events.
        public var every: Int
        /// Events whose shadow samples each refit uses.
        public var windowEvents: Int
        /// The floor is `q_min + margin`.
        public var margin: Double
        /// Whether its quality ratio over the replay is at or above `q_min`.
        public var holdsFloor: Bool
        /// Its figures.
        public var figures: PolicyFigures
        /// Whether its quality ratio from the first adaptive table on is at or above `q_min` (nil: no table). Every
        /// policy routes all-cloud before that table, and those events lift every whole-run ratio toward 1.
        public var holdsFloorAfterFirstTable: Bool?
        /// Its figures from the first adaptive table on (nil: no table).
        public var afterFirstTable: PolicyFigures?
        /// Its rolling quality ratio from the first adaptive table on, on the policy's windows (nil: no table).
        public var rollingAfterFirstTable: RollingSpan?
    }

    /// After a phase change: the adaptive policy's quality ratio over rolling windows of `rolling_events` events.
    public struct RollingRecovery: Sendable, Codable {
        /// The event index at which the phase started.
        public var at: Int
        /// The next phase's start (or the end).
        public var until: Int
        /// The lowest rolling quality ratio in that span.
        public var lowestQualityRatio: Double
        /// Events from the phase start to the first rolling window at or above `q_min` (nil: none).
        public var eventsToRecover: Int?
        /// Rolling windows from that one to the next phase.
        public var windowsAfterRecovery: Int
        /// The share of those at or above `q_min`.
        public var shareAtOrAboveQMin: Double
        /// The fewest events after the phase start from which on the rolling ratio is at or above `q_min` in at
        /// least `1 - alpha` of the windows until the next phase (the first of them at or above it); nil when that
        /// takes more than the first half of the phase's windows.
        public var eventsToHold: Int?
    }

    /// A policy's rolling quality ratio over a span of the replay, whatever its phases (a recording has none):
    /// windows of `rolling_events` events ending every `rolling_events / 20` events, all inside the span.
    public struct RollingSpan: Sendable, Codable, Equatable {
        /// The span's first event.
        public var from: Int
        /// The windows counted.
        public var windows: Int
        /// The share of them at or above `q_min`.
        public var shareAtOrAboveQMin: Double
        /// The lowest of them.
        public var lowestQualityRatio: Double
    }

    /// One window of `window_events` events.
    public struct Window: Sendable, Codable {
        /// Position of the window (0-based).
        public var index: Int
        /// First event index of the window.
        public var firstEvent: Int
        /// Last event index of the window (inclusive).
        public var lastEvent: Int
        /// Timestamp of the window's first event (Unix ms).
        public var fromMs: Int64
        /// Timestamp of the window's last event (Unix ms).
        public var toMs: Int64
        /// The table version in effect at the window's last event (0: none yet).
        public var tableVersion: UInt64
        /// The adaptive policy on the window.
        public var policy: PolicyFigures
        /// The first table, frozen, on the window.
        public var `static`: PolicyFigures
        /// The window's hindsight thresholds on the window.
        public var oracle: PolicyFigures
        /// Everything to the device on the window.
        public var allDevice: PolicyFigures
    }

    /// A published table.
    public struct Table: Sendable, Codable {
        /// The table's version.
        public var version: UInt64
        /// The first event routed with it (prequential: it learned only from the events before).
        public var firstEvent: Int
        /// Events the pipeline had observed when the table was made.
        public var observedEvents: Int
        /// The simulated time of the tick that made it (Unix ms).
        public var publishedAtMs: Int64
        /// Its `provenance.trigger` (`bootstrap`, `drift:<ids>`, `schedule`).
        public var trigger: String
        /// Its number of clusters.
        public var clusters: Int
        /// Its `expected` outcome as the controller predicted it on held-out shadow samples.
        public var expectedQualityRatio: Double
        /// Predicted latency ratio.
        public var expectedLatencyRatio: Double
        /// Predicted cost ratio.
        public var expectedCostRatio: Double
        /// Predicted tier shares (device, edge, cloud).
        public var expectedShares: [Double]
        /// Why it was published: `bound` (its quality bound clears q_min), `toward_safety`, `dominates`.
        public var basis: String?
        /// Shadow samples the tuning used (after change cuts), and of those held out for the bound.
        public var samplesUsed: Int?
        public var heldOutSamples: Int?
        /// The lower confidence bound of its fleet quality ratio on the held-out samples.
        public var qualityLowerBound: Double?
        /// The quality ratio of the table it replaced, on the same held-out samples.
        public var inForceQualityRatio: Double?
    }

    /// A tuning that produced no table (a guardrail or an error).
    public struct Failure: Sendable, Codable {
        /// The next event to be routed when the tuning ran.
        public var atEvent: Int
        /// The simulated time of the tick (Unix ms).
        public var atMs: Int64
        /// What asked for the tuning.
        public var trigger: String
        /// Why no table came out.
        public var reason: String
    }

    /// A drift the pipeline detected.
    public struct Drift: Sendable, Codable {
        /// The drift's id (`<fleet>/drift/<event time ms>-<event id>/<kind>`), as the tables' provenance cites it.
        public var id: String
        /// `occupancy`, `novelty`, `outcome`, `latency` or `cost`.
        public var kind: String
        /// The event being observed when it was detected.
        public var atEvent: Int
        /// That event's timestamp (Unix ms).
        public var detectedAtMs: Int64
        /// The cluster concerned (outcome drift).
        public var clusterId: UInt32?
        /// The tier concerned (outcome, latency and cost drift).
        public var tier: String?
    }

    /// How long the adaptive policy took to absorb a phase change.
    public struct PhaseRecovery: Sendable, Codable {
        /// The phase's kind (`new_topic`, `shift`, `quality_drop`, `latency_rise`).
        public var kind: String
        /// The event index at which it started.
        public var at: Int
        /// The lowest window quality ratio from the phase until the next phase (or the end).
        public var lowestQualityRatio: Double
        /// Events from the phase start to the end of the last window below `q_min` before the next phase: after
        /// that many events every window is back at or above `q_min` (0 if none dipped; nil if the last window
        /// before the next phase is still below).
        public var eventsToRecover: Int?
    }

    /// The replayed fleet.
    public var fleet: String
    /// Events replayed.
    public var events: Int
    /// Events skipped because an earlier one had the same event id (a recording of an at-least-once stream holds
    /// redeliveries; ingest counts each event once, and so does the replay).
    public var duplicatesSkipped: Int
    /// Events skipped as invalid (with ``ReplaySettings/skipInvalid``; otherwise the first one stops the replay):
    /// a malformed record, no `shadow`, another fleet or dimension, an unset or corrupt clock.
    public var invalidSkipped = 0
    /// The first few of those, each naming its place in the input and what is wrong (at most
    /// ``ReplayRunner/invalidExamplesKept``).
    public var invalidExamples: [String] = []
    /// The share of events whose shadow sample the pipeline saw.
    public var shadowRate: Double
    /// Events per window.
    public var windowEvents: Int
    /// λ_latency, λ_cost, q_min, penalty.
    public var objectiveWeights: [String: Double]
    /// The adaptive policy over the whole replay.
    public var policy: PolicyFigures
    /// The first event the first adaptive table applied to (nil: no table was published); every policy, the
    /// baselines included, routes all-cloud before it.
    public var firstTableEvent: Int?
    /// The adaptive policy from that event on, against all-cloud over the same events (nil: no table).
    public var policyAfterFirstTable: PolicyFigures?
    /// The baselines over the whole replay.
    public var baselines: Baselines
    /// Per-window figures, in order.
    public var windows: [Window]
    /// Every table published, in order.
    public var tables: [Table]
    /// Tunings that produced no table.
    public var tuningFailures: [Failure]
    /// Every drift detected, in order.
    public var driftEvents: [Drift]
    /// Per scenario phase that started within the replay, its recovery.
    public var phases: [PhaseRecovery]
    /// Events per rolling window of `rolling`.
    public var rollingEvents: Int
    /// Per scenario phase, the rolling-window recovery.
    public var rolling: [RollingRecovery]
    /// The rolling windows from the first table on, phases or not (nil: no table, or fewer events after it than a
    /// window holds).
    public var rollingAfterFirstTable: RollingSpan? = nil
    /// The replay's wall time in seconds.
    public var wallSeconds: Double
}
